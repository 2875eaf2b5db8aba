// Auto-copy, which relay to use, whether to allow direct links, how much room clips take, and
// STUN/TURN servers.

import { useSignal } from '@preact/signals';
import { DEFAULT_ROOM_SPACE_MIB, MAX_ROOM_SPACE_MIB, MIN_ROOM_SPACE_MIB } from '../../core/persist';
import { updateSettings } from '../device-control';
import { relayUrlError } from '../lib/relay-url';
import { settings } from '../state';
import { IceServersSettings } from './ice-servers';
import styles from './settings-panel.module.css';

export function SettingsPanel() {
  const relayDraft = useSignal<string | null>(null);
  const relayError = useSignal<string | null>(null);
  const spaceDraft = useSignal<string | null>(null);
  const spaceError = useSignal<string | null>(null);
  const current = settings.value;
  if (!current) return null;
  const relayValue = relayDraft.value ?? current.relayUrl ?? '';
  const spaceValue = spaceDraft.value ?? String(current.roomSpaceMiB ?? DEFAULT_ROOM_SPACE_MIB);

  async function saveSpace(): Promise<void> {
    const mib = Number(spaceValue);
    if (!Number.isInteger(mib) || mib < MIN_ROOM_SPACE_MIB || mib > MAX_ROOM_SPACE_MIB) {
      spaceError.value = `Enter a whole number of MiB from ${MIN_ROOM_SPACE_MIB} to ${MAX_ROOM_SPACE_MIB}.`;
      return;
    }
    spaceError.value = null;
    spaceDraft.value = null;
    await updateSettings({ roomSpaceMiB: mib });
  }

  async function saveRelay(): Promise<void> {
    const error = relayUrlError(relayValue);
    relayError.value = error;
    if (error) return;
    relayDraft.value = null;
    await updateSettings({ relayUrl: relayValue.trim() || undefined });
  }

  return (
    <div class={styles.body}>
      <label class={styles.check}>
        <input
          type="checkbox"
          checked={current.autoCopy}
          onChange={(event) => void updateSettings({ autoCopy: event.currentTarget.checked })}
        />
        Auto-copy: put clips from other devices on this clipboard as they arrive (while this page is
        in front)
      </label>
      <label class={styles.check}>
        <input
          type="checkbox"
          checked={current.forceRelay ?? false}
          onChange={(event) => void updateSettings({ forceRelay: event.currentTarget.checked })}
        />
        Force relay (no direct links). Clips stay end-to-end encrypted but travel through a TURN
        relay, or the clipmesh relay.
      </label>
      <form
        class={styles.relay}
        onSubmit={(event) => {
          event.preventDefault();
          void saveRelay();
        }}
      >
        <label for="relay-url">Relay address</label>
        <div class={styles.row}>
          <input
            id="relay-url"
            type="url"
            inputMode="url"
            placeholder={location.origin}
            value={relayValue}
            aria-invalid={relayError.value !== null}
            aria-describedby="relay-hint"
            onInput={(event) => {
              relayDraft.value = event.currentTarget.value;
              relayError.value = null;
            }}
          />
          <button type="submit">Save</button>
        </div>
        <p id="relay-hint" class={styles.hint}>
          Leave empty to use this app's own server. Saving reconnects the room.
        </p>
        {relayError.value && (
          <p role="alert" class="error">
            {relayError.value}
          </p>
        )}
      </form>
      <form
        class={styles.relay}
        onSubmit={(event) => {
          event.preventDefault();
          void saveSpace();
        }}
      >
        <label for="room-space">Space for each room's clips on this device (MiB)</label>
        <div class={styles.row}>
          <input
            id="room-space"
            type="number"
            inputMode="numeric"
            min={MIN_ROOM_SPACE_MIB}
            max={MAX_ROOM_SPACE_MIB}
            value={spaceValue}
            aria-invalid={spaceError.value !== null}
            aria-describedby="room-space-hint"
            onInput={(event) => {
              spaceDraft.value = event.currentTarget.value;
              spaceError.value = null;
            }}
          />
          <button type="submit">Save</button>
        </div>
        <p id="room-space-hint" class={styles.hint}>
          When a room's clips need more, the oldest are removed from this device. Clips over 1 MiB
          from other devices wait for you to fetch them.
        </p>
        {spaceError.value && (
          <p role="alert" class="error">
            {spaceError.value}
          </p>
        )}
      </form>
      <IceServersSettings />
    </div>
  );
}
