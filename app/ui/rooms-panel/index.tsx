// The rooms this device remembers: reopen, rename or forget one; start or join another.

import { JoinForm } from '../join-form';
import { useNow } from '../lib/use-now';
import { showNewRoom } from '../room-control';
import { room, rooms } from '../state';
import { RoomEntry } from './room-entry';
import styles from './rooms-panel.module.css';

export function RoomsPanel() {
  const now = useNow(60_000);
  return (
    <div class={styles.body}>
      <button type="button" class="primary" onClick={() => void showNewRoom()}>
        New room
      </button>
      <JoinForm />
      {rooms.value.length > 0 && (
        <ul class={styles.list} aria-label="Remembered rooms">
          {rooms.value.map((record) => (
            <RoomEntry
              key={record.code}
              record={record}
              shown={record.code === room.value?.code}
              now={now}
            />
          ))}
        </ul>
      )}
    </div>
  );
}
