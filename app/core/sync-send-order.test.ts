import { describe, expect, it } from 'vitest';
import type { PeerMessage } from './protocol';
import { ClipSync } from './sync';
import { memoryClipStorage, settle } from './sync.fixture';
import type { SyncChange } from './sync-link';

describe('sending a clip', () => {
  it('hands it to every link, then says it was sent here, then writes it, then resolves', async () => {
    const steps: string[] = [];
    const storage = memoryClipStorage();
    const save = storage.save;
    const sync = new ClipSync({
      selfId: 'device-aaaa',
      selfName: () => 'A',
      link: {
        reachable: () => ['device-bbbb', 'device-cccc'],
        send: async (to, message: PeerMessage) => {
          if (message.t === 'clip') steps.push(`link ${to}`);
        },
      },
      storage: {
        ...storage,
        save: (clips, budget) => {
          steps.push('write');
          return save(clips, budget);
        },
      },
      onChange: (change: SyncChange) => steps.push(change),
    });
    await sync.load();
    steps.length = 0;
    const sending = sync.send('mine').then(() => steps.push('resolved'));
    expect(steps).toEqual(['link device-bbbb', 'link device-cccc', 'sent']);
    await sending;
    expect(steps.slice(3)).toEqual(['write', 'resolved']);
    expect(storage.outbox.map((clip) => clip.text)).toEqual(['mine']);
    await settle();
    sync.close();
  });
});
