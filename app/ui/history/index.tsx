// Every clip in the room, newest first, and the way to clear them.

import { useSignal } from '@preact/signals';
import { useCallback } from 'preact/hooks';
import { ClipItem } from '../clip-item';
import { errorText } from '../lib/error-text';
import { useNow } from '../lib/use-now';
import { device, peers, roomShown, roomState, session } from '../state';
import { Transfers } from '../transfers';
import styles from './history.module.css';

function nameOf(deviceId: string): string | undefined {
  if (deviceId === device.value?.id) return device.value.name;
  return peers.value.find((peer) => peer.id === deviceId)?.name;
}

export function History() {
  const now = useNow();
  const confirming = useSignal(false);
  const error = useSignal<string | null>(null);
  async function run(action: () => Promise<void>): Promise<void> {
    error.value = null;
    try {
      await action();
    } catch (cause) {
      error.value = `That did not work: ${errorText(cause)}`;
    }
  }
  // The same function every time, so a clip that did not change is not drawn again.
  const deleteClip = useCallback(
    (id: string) => run(async () => session.value?.deleteClip(id)),
    [],
  );
  const self = device.value;
  if (!roomShown.value || !self) return null;
  // A fresh room shows before it opens, with no clips yet.
  const clips = roomState.value?.history ?? [];
  const transfers = roomState.value?.transfers ?? [];

  const clearHistory = () =>
    run(async () => {
      confirming.value = false;
      await session.value?.clearHistory();
    });

  return (
    <section class={styles.history} aria-labelledby="history-heading">
      <h2 id="history-heading">Clips</h2>
      <Transfers transfers={transfers} nameOf={(id) => nameOf(id) ?? 'another device'} />
      {clips.length === 0 && (
        <p class={styles.empty}>No clips yet. Send one and it shows up on all your devices.</p>
      )}
      <ol class={styles.list} data-testid="history">
        {clips.map((clip) => (
          <ClipItem
            key={clip.id}
            clip={clip}
            selfId={self.id}
            senderName={nameOf(clip.from) ?? clip.fromName}
            now={now}
            onDelete={deleteClip}
          />
        ))}
      </ol>
      {clips.length > 0 && !confirming.value && (
        <button type="button" onClick={() => (confirming.value = true)}>
          Clear history
        </button>
      )}
      {confirming.value && (
        <div class={styles.confirm}>
          <p>Delete all {clips.length} clips from this device?</p>
          <button type="button" class="danger" onClick={clearHistory}>
            Delete all clips
          </button>
          <button type="button" onClick={() => (confirming.value = false)}>
            Cancel
          </button>
        </div>
      )}
      {error.value && (
        <p role="alert" class="error">
          {error.value}
        </p>
      )}
    </section>
  );
}
