// One remembered room in the rooms panel.

import { type Signal, useSignal } from '@preact/signals';
import type { RoomRecord } from '../../core/persist';
import { MAX_NAME_CHARS } from '../../core/protocol';
import { relativeTime } from '../lib/relative-time';
import { forgetListedRoom, renameListedRoom, reopenRoom } from '../room-control';
import styles from './rooms-panel.module.css';

interface RoomEntryProps {
  record: RoomRecord;
  /** This is the room on screen. */
  shown: boolean;
  now: number;
}

/** The room's name being edited; `draft` goes back to null when saved or cancelled. */
function RenameRoom({ record, draft }: { record: RoomRecord; draft: Signal<string | null> }) {
  const inputId = `room-name-${record.code}`;
  const save = async () => {
    const name = draft.value?.trim() ?? '';
    draft.value = null;
    if (name !== '' && name !== record.name) await renameListedRoom(record.code, name);
  };
  return (
    <li class={styles.room}>
      <form
        class={styles.rename}
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <label for={inputId}>Room name</label>
        <input
          id={inputId}
          value={draft.value ?? ''}
          maxLength={MAX_NAME_CHARS}
          onInput={(event) => {
            draft.value = event.currentTarget.value;
          }}
        />
        <button type="submit" class="primary">
          Save
        </button>
        <button type="button" onClick={() => (draft.value = null)}>
          Cancel
        </button>
      </form>
    </li>
  );
}

export function RoomEntry({ record, shown, now }: RoomEntryProps) {
  const draft = useSignal<string | null>(null);
  if (draft.value !== null) return <RenameRoom record={record} draft={draft} />;

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
