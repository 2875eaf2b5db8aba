// Which relay this device uses; saving reconnects the room.

import { useSignal } from '@preact/signals';
import { updateSettings } from '../device-control';
import { relayUrlError } from '../lib/relay-url';
import styles from './settings-panel.module.css';

export function RelaySetting({ saved }: { saved: string | undefined }) {
  const draft = useSignal<string | null>(null);
  const error = useSignal<string | null>(null);
  const value = draft.value ?? saved ?? '';

  async function save(): Promise<void> {
    const problem = relayUrlError(value);
    error.value = problem;
    if (problem) return;
    draft.value = null;
    await updateSettings({ relayUrl: value.trim() || undefined });
  }

  return (
    <form
      class={styles.relay}
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <label for="relay-url">Relay address</label>
      <div class={styles.row}>
        <input
          id="relay-url"
          type="url"
          inputMode="url"
          placeholder={location.origin}
          value={value}
          aria-invalid={error.value !== null}
          aria-describedby="relay-hint"
          onInput={(event) => {
            draft.value = event.currentTarget.value;
            error.value = null;
          }}
        />
        <button type="submit">Save</button>
      </div>
      <p id="relay-hint" class={styles.hint}>
        Leave empty to use this app's own server. Saving reconnects the room.
      </p>
      {error.value && (
        <p role="alert" class="error">
          {error.value}
        </p>
      )}
    </form>
  );
}
