// One line on how the room is doing, plus warnings that need a person's attention.

import { online } from '../../pwa/status';
import { isReachable, statusText } from '../lib/status';
import { storageWarning } from '../lib/storage-warning';
import { notice, peers, roomError, roomState, session } from '../state';
import styles from './status-line.module.css';

const TAMPERING =
  'Someone may be tampering with signaling for this room. Your clips stay sealed, but connecting may fail.';
const NEWER_VERSION =
  'Another device runs a newer clipmesh. Reload or update this one to keep syncing.';
const OFFLINE =
  'Offline: showing the clips saved on this device. clipmesh reconnects by itself when the network is back.';

/** A clip the relay (or a link) refused: it is kept, and the person knows why it waits. */
function undeliveredText(waiting: number, detail?: string): string {
  const why = detail ? ` (${detail})` : '';
  return waiting === 1
    ? `A clip could not be sent${why}. It stays pending and is tried again.`
    : `${waiting} clips could not be sent${why}. They stay pending and are tried again.`;
}

function currentStatus(): string {
  const state = roomState.value;
  if (roomError.value) return '';
  if (!online.value) return OFFLINE;
  if (!session.value || !state) return 'Opening the room…';
  const connected = peers.value.filter((peer) => isReachable(peer.state)).length;
  return statusText(state.relay, connected, state.relayDetail);
}

export function StatusLine() {
  const state = roomState.value;
  const storage = state && storageWarning(state.storage);
  return (
    <div class={styles.status}>
      <p data-testid="status" role="status" aria-live="polite" class={styles.line}>
        {currentStatus()}
      </p>
      {roomError.value && (
        <p role="alert" class="error">
          {roomError.value}
        </p>
      )}
      {notice.value && (
        <p role="alert" class="warning">
          {notice.value}
        </p>
      )}
      {storage && (
        <p role="alert" class="warning" data-testid="storage-warning">
          {storage}
        </p>
      )}
      {state?.tampering && (
        <p role="alert" class="warning">
          {TAMPERING}
        </p>
      )}
      {state && state.undelivered.waiting > 0 && (
        <p role="alert" class="warning" data-testid="undelivered">
          {undeliveredText(state.undelivered.waiting, state.undelivered.detail)}
        </p>
      )}
      {state?.newerVersion && (
        <p role="alert" class="warning">
          {NEWER_VERSION}
        </p>
      )}
    </div>
  );
}
