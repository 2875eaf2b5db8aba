// How much room each room's clips may take on this device.

import { useSignal } from '@preact/signals';
import { DEFAULT_ROOM_SPACE_MIB, MAX_ROOM_SPACE_MIB, MIN_ROOM_SPACE_MIB } from '../../core/persist';
import { updateSettings } from '../device-control';
import { SettingForm } from './setting-form';

export function RoomSpaceSetting({ saved }: { saved: number | undefined }) {
  const draft = useSignal<string | null>(null);
  const error = useSignal<string | null>(null);
  const value = draft.value ?? String(saved ?? DEFAULT_ROOM_SPACE_MIB);

  async function save(): Promise<void> {
    const mib = Number(value);
    if (!Number.isInteger(mib) || mib < MIN_ROOM_SPACE_MIB || mib > MAX_ROOM_SPACE_MIB) {
      error.value = `Enter a whole number of MiB from ${MIN_ROOM_SPACE_MIB} to ${MAX_ROOM_SPACE_MIB}.`;
      return;
    }
    error.value = null;
    draft.value = null;
    await updateSettings({ roomSpaceMiB: mib });
  }

  return (
    <SettingForm
      id="room-space"
      label="Space for each room's clips on this device (MiB)"
      hint="When a room's clips need more, the oldest are removed from this device. Clips over 1 MiB from other devices wait for you to fetch them."
      error={error.value}
      onSave={save}
    >
      <input
        id="room-space"
        type="number"
        inputMode="numeric"
        min={MIN_ROOM_SPACE_MIB}
        max={MAX_ROOM_SPACE_MIB}
        value={value}
        aria-invalid={error.value !== null}
        aria-describedby="room-space-hint"
        onInput={(event) => {
          draft.value = event.currentTarget.value;
          error.value = null;
        }}
      />
    </SettingForm>
  );
}
