// This device's name as the others see it, with a way to change it.

import { useSignal } from '@preact/signals';
import { renameDevice } from '../device-control';
import { RenameForm } from '../rename-form';
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

  return (
    <RenameForm
      id="device-name"
      label="Name of this device"
      draft={draft}
      current={name}
      onRename={renameDevice}
      class={styles.rename}
    />
  );
}
