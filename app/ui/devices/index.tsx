// This device (with its name, which a person can change) and every peer in the room.

import { relativeTime } from '../lib/relative-time';
import { PATH_LABELS, PEER_STATE_LABELS } from '../lib/status';
import { useNow } from '../lib/use-now';
import { device, peers } from '../state';
import { DeviceName } from './device-name';
import styles from './devices.module.css';

export function Devices() {
  const now = useNow();
  const self = device.value;
  if (!self) return null;

  return (
    <section class={styles.devices} aria-labelledby="devices-heading">
      <h2 id="devices-heading">Devices</h2>
      <ul class={styles.list} data-testid="devices">
        <li
          class={styles.device}
          data-testid="device"
          data-device-id={self.id}
          data-state="self"
          data-self="true"
        >
          <DeviceName name={self.name} />
        </li>
        {peers.value.map((peer) => (
          <li
            key={peer.id}
            class={styles.device}
            data-testid="device"
            data-device-id={peer.id}
            data-state={peer.state}
            data-path={peer.path}
          >
            <span class={styles.name} data-testid="device-name">
              {peer.name}
            </span>
            <span class={`${styles.state} ${styles[peer.state] ?? ''}`} data-testid="device-path">
              {peer.path ? PATH_LABELS[peer.path] : PEER_STATE_LABELS[peer.state]}
            </span>
            <span class={styles.seen}>
              {peer.state === 'lost' ? 'last seen ' : 'seen '}
              {relativeTime(peer.lastSeen, now)}
            </span>
          </li>
        ))}
      </ul>
      {peers.value.length === 0 && (
        <p class={styles.empty}>Only this device so far. Scan the code above to add another.</p>
      )}
    </section>
  );
}
