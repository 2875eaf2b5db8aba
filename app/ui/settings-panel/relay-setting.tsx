// Which relay this device uses; saving reconnects the room.

import { useSignal } from '@preact/signals';
import { updateSettings } from '../device-control';
import { relayUrlError } from '../lib/relay-url';
import { SettingForm } from './setting-form';

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
    <SettingForm
      id="relay-url"
      label="Relay address"
      hint="Leave empty to use this app's own server. Saving reconnects the room."
      error={error.value}
      onSave={save}
    >
      <input
        id="relay-url"
        type="url"
        inputMode="url"
        placeholder={location.origin}
        value={value}
        aria-invalid={error.value !== null}
        aria-describedby="relay-url-hint"
        onInput={(event) => {
          draft.value = event.currentTarget.value;
          error.value = null;
        }}
      />
    </SettingForm>
  );
}
