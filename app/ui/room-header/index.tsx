// How another device joins: the room's QR code, its link, and ways to pass the link on.

import { COPY_FAILED, useCopy } from '../lib/use-copy';
import { RoomQr } from '../room-qr';
import { room } from '../state';
import styles from './room-header.module.css';

async function shareLink(link: string): Promise<void> {
  try {
    await navigator.share({ title: 'Join my clipmesh room', url: link });
  } catch {
    // Closing the share sheet rejects too; the link stays on screen either way.
  }
}

export function RoomHeader() {
  const [copyState, copy] = useCopy();
  const shown = room.value;
  if (!shown) return null;
  const canShare = typeof navigator.share === 'function';

  return (
    <section class={styles.header} aria-labelledby="join-heading">
      <RoomQr link={shown.link} />
      <div class={styles.details}>
        <h2 id="join-heading">Add a device</h2>
        <p>Scan the code with your phone's camera, or open this link on your other device:</p>
        <p class={styles.link} data-testid="room-link">
          {shown.link}
        </p>
        <div class={styles.actions}>
          <button type="button" onClick={() => copy(shown.link)}>
            {copyState === 'copied' ? 'Copied' : 'Copy link'}
          </button>
          {canShare && (
            <button type="button" onClick={() => shareLink(shown.link)}>
              Share
            </button>
          )}
        </div>
        {copyState === 'failed' && (
          <p role="alert" class="error">
            {COPY_FAILED}
          </p>
        )}
      </div>
    </section>
  );
}
