// `sync`: the desktop clipboard and the room, both ways, with no echo. One queue runs every
// read and write of the clipboard in turn, and `held` is what it holds as far as we know:
// a copy equal to it is ours coming back, and a clip equal to it is already there.

import { mergeClips } from '../app/core/history';
import type { Clip } from '../app/core/protocol';
import type { RoomSession } from '../app/core/session-types';
import type { Clipboard } from './clipboard';

export interface ClipboardSync {
  /** Give it every clip that arrives (openRoom's onReceived). */
  received(clip: Clip): void;
  /** Starts watching the clipboard, once the room is open. */
  start(session: RoomSession): Promise<void>;
  stop(): void;
}

export function clipboardSync(clipboard: Clipboard, say: (line: string) => void): ClipboardSync {
  let session: RoomSession | undefined;
  let held: string | null = null;
  /** The newest clip in the core's order: an older one (history catching up) is not pasted. */
  let newest: Clip | undefined;
  let queue: Promise<void> = Promise.resolve();
  let looking = false;
  let stopWatching: (() => void) | undefined;

  const inTurn = (step: () => Promise<void>): void => {
    queue = queue
      .then(step)
      .catch((error: unknown) => say(`Clipboard: ${(error as Error).message}`));
  };
  const isNewest = (clip: Clip): boolean => {
    const first = mergeClips(newest ? [newest] : [], [clip], 1)[0];
    if (first !== clip) return false;
    newest = clip;
    return true;
  };

  const look = (): void => {
    // A look already waiting in the queue will see this change too.
    if (looking) return;
    looking = true;
    inTurn(async () => {
      looking = false;
      const text = await clipboard.read();
      if (text === null || text === '' || text === held || !session) return;
      held = text;
      const sent = await session.send(text);
      // Newer than anything before it: a clip from history arriving later is not pasted over it.
      const mine = sent.ok ? session.state.get().history.find((c) => c.id === sent.id) : undefined;
      if (mine) isNewest(mine);
      say(
        sent.ok ? `Sent a copy made here (${text.length} characters).` : `Not sent: ${sent.error}`,
      );
    });
  };

  return {
    received(clip) {
      if (!isNewest(clip)) return;
      inTurn(async () => {
        if (clip.text === held) return;
        held = clip.text;
        await clipboard.write(clip.text);
        say(`On the clipboard now: a clip from ${clip.fromName || 'another device'}.`);
      });
    },
    async start(opened) {
      const history = opened.state.get().history;
      for (const clip of history.slice(0, 1)) isNewest(clip);
      // What is on the clipboard already stays here: only later copies are sent.
      inTurn(async () => {
        held = await clipboard.read();
      });
      await queue;
      session = opened;
      stopWatching = clipboard.watch(look);
    },
    stop() {
      stopWatching?.();
      session = undefined;
    },
  };
}
