// Text shared into clipmesh from another app waits in the composer; here the person sees
// that, and picks the room it goes to when they keep more than one.

import { shared } from '../../pwa/share';
import { reopenRoom } from '../room-control';
import { room, rooms } from '../state';
import styles from './share-landing.module.css';

export function ShareLanding() {
  if (shared.value === null) return null;
  const current = room.value?.code;
  return (
    <div class={styles.landing} data-testid="share-landing">
      <p class={styles.text}>The text you shared is in the box below. Press Send to pass it on.</p>
      {rooms.value.length > 1 && (
        <label class={styles.room}>
          Room
          <select value={current} onChange={(event) => void reopenRoom(event.currentTarget.value)}>
            {rooms.value.map((known) => (
              <option key={known.code} value={known.code}>
                {known.name}
              </option>
            ))}
          </select>
        </label>
      )}
    </div>
  );
}
