// One remembered room in the rooms panel.

import { useSignal } from '@preact/signals';
import type { RoomRecord } from '../../core/persist';
import { relativeTime } from '../lib/relative-time';
import { RenameForm } from '../rename-form';
import { forgetListedRoom, renameListedRoom, reopenRoom } from '../room-control';
import styles from './rooms-panel.module.css';

interface RoomEntryProps {
  record: RoomRecord;
  /** This is the room on screen. */
  shown: boolean;
  now: number;
}

export function RoomEntry({ record, shown, now }: RoomEntryProps) {
  const draft = useSignal<string | null>(null);
  if (draft.value !== null) {
    return (
      <li class={styles.room}>
        <RenameForm
          id={`room-name-${record.code}`}
          label="Room name"
          draft={draft}
          current={record.name}
          onRename={(name) => renameListedRoom(record.code, name)}
          class={styles.rename}
        />
      </li>
    );
  }

  return (
    <li class={styles.room} aria-current={shown ? 'true' : undefined}>
      <span class={styles.name}>{record.name}</span>
      <span class={styles.used}>
        {shown ? 'open now' : `last used ${relativeTime(record.lastUsed, now)}`}
      </span>
      <span class={styles.actions}>
        {!shown && (
          <button type="button" onClick={() => void reopenRoom(record.code)}>
            Open
          </button>
        )}
        <button
          type="button"
          aria-label={`Rename ${record.name}`}
          onClick={() => (draft.value = record.name)}
        >
          Rename
        </button>
        {/* The open room keeps writing its history; open another before forgetting it. */}
        {!shown && (
          <button
            type="button"
            aria-label={`Forget ${record.name}`}
            onClick={() => void forgetListedRoom(record.code)}
          >
            Forget
          </button>
        )}
      </span>
    </li>
  );
}
