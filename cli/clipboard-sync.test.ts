import { describe, expect, it } from 'vitest';
import type { Clip } from '../app/core/protocol';
import type { RoomSession, RoomState } from '../app/core/session-types';
import { createStore } from '../app/core/store';
import type { Clipboard } from './clipboard';
import { clipboardSync } from './clipboard-sync';

/** A clipboard in memory whose reads can be held back, to line them up with a clip arriving. */
function memoryClipboard(initial: string | null) {
  let text = initial;
  let onChange = (): void => {};
  let gate: Promise<void> | undefined;
  const written: string[] = [];
  const clipboard: Clipboard = {
    tool: 'memory',
    noticing: 'told',
    async read() {
      const seen = text;
      await gate;
      return seen;
    },
    async write(next) {
      written.push(next);
      text = next;
      onChange();
    },
    watch(callback) {
      onChange = callback;
      return () => {
        onChange = () => {};
      };
    },
  };
  return {
    clipboard,
    written,
    copy(next: string) {
      text = next;
      onChange();
    },
    holdReads() {
      let release = (): void => {};
      gate = new Promise((resolve) => {
        release = resolve;
      });
      return () => {
        gate = undefined;
        release();
      };
    },
  };
}

function fakeSession(history: Clip[] = []) {
  const sent: string[] = [];
  const state = createStore({ history } as unknown as RoomState);
  const session = {
    state,
    send: async (text: string) => {
      sent.push(text);
      const id = `id-${sent.length}`;
      // As ClipSync does: the clip sent here is stamped after every clip seen.
      const held = state.get().history;
      const stamp = Math.max(Date.now(), ...held.map((clip) => clip.stamp)) + 1;
      const mine: Clip = { id, text, from: 'self-id', fromName: 'Here', at: Date.now(), stamp };
      state.set({ history: [mine, ...held] } as unknown as RoomState);
      return { ok: true as const, id };
    },
  } as unknown as RoomSession;
  return { session, sent };
}

const clip = (text: string, at: number): Clip => ({
  id: `clip-${text}-${at}`,
  text,
  from: 'phone-id',
  fromName: 'Phone',
  at,
  stamp: at,
});
const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('clipboardSync', () => {
  it('sends each new copy once, and not what was on the clipboard before it started', async () => {
    const board = memoryClipboard('there before');
    const { session, sent } = fakeSession();
    const sync = clipboardSync(board.clipboard, () => {});
    await sync.start(session);
    board.copy('first copy');
    await settle();
    board.copy('first copy');
    await settle();
    board.copy('second copy');
    await settle();
    expect(sent).toEqual(['first copy', 'second copy']);
  });

  it('writes a clip that arrives, and does not send it back when the tool reports it', async () => {
    const board = memoryClipboard('mine');
    const { session, sent } = fakeSession();
    const sync = clipboardSync(board.clipboard, () => {});
    await sync.start(session);
    sync.received(clip('from the phone', 10));
    await settle();
    expect(board.written).toEqual(['from the phone']);
    expect(sent).toEqual([]);
  });

  it('leaves the clipboard alone for a clip it already holds', async () => {
    const board = memoryClipboard('same text');
    const { session } = fakeSession();
    const sync = clipboardSync(board.clipboard, () => {});
    await sync.start(session);
    sync.received(clip('same text', 10));
    await settle();
    expect(board.written).toEqual([]);
  });

  it('does not paste an older clip that comes in as history catches up', async () => {
    const board = memoryClipboard(null);
    const { session } = fakeSession([clip('newest known', 50)]);
    const sync = clipboardSync(board.clipboard, () => {});
    await sync.start(session);
    sync.received(clip('older', 40));
    sync.received(clip('newer', 60));
    await settle();
    expect(board.written).toEqual(['newer']);
  });

  it('does not paste a clip older than a copy sent from here', async () => {
    const board = memoryClipboard(null);
    const { session, sent } = fakeSession();
    const sync = clipboardSync(board.clipboard, () => {});
    await sync.start(session);
    board.copy('copied here just now');
    await settle();
    expect(sent).toEqual(['copied here just now']);
    sync.received(clip('from history', Date.now() - 60_000));
    await settle();
    expect(board.written).toEqual([]);
  });

  it('does not send the old text back when a clip lands while a read is under way', async () => {
    const board = memoryClipboard('old text');
    const { session, sent } = fakeSession();
    const sync = clipboardSync(board.clipboard, () => {});
    await sync.start(session);
    const release = board.holdReads();
    board.copy('old text');
    sync.received(clip('arrived', 10));
    release();
    await settle();
    expect(board.written).toEqual(['arrived']);
    expect(sent).toEqual([]);
  });

  it('stops sending once stopped', async () => {
    const board = memoryClipboard(null);
    const { session, sent } = fakeSession();
    const sync = clipboardSync(board.clipboard, () => {});
    await sync.start(session);
    sync.stop();
    board.copy('after stop');
    await settle();
    expect(sent).toEqual([]);
  });
});
