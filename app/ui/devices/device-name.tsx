// This device's name as the others see it, with a way to change it.

import { useSignal } from '@preact/signals';
import { MAX_NAME_CHARS } from '../../core/protocol';
import { renameDevice } from '../device-control';
import styles from './devices.module.css';

export function DeviceName({ name }: { name: string }) {
  const draft = useSignal<string | null>(null);

  if (draft.value === null) {
    return (
      <>
        <span class={styles.name} data-testid="device-name">
          {name}
        </span>
        <span class={styles.state}>this device</span>
        <button type="button" class="link" onClick={() => (draft.value = name)}>
          Rename
        </button>
      </>
    );
  }

  async function save(): Promise<void> {
    const next = draft.value?.trim() ?? '';
    draft.value = null;
    if (next !== '' && next !== name) await renameDevice(next);
  }

  return (
    <form
      class={styles.rename}
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <label for="device-name">Name of this device</label>
      <input
        id="device-name"
        value={draft.value}
        maxLength={MAX_NAME_CHARS}
        autocomplete="off"
        // biome-ignore lint/a11y/noAutofocus: the person just asked to edit this field
        autoFocus
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
  );
}
