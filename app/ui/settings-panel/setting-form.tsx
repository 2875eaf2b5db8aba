// One setting of its own: a labelled field with Save, a hint, and what was wrong with the last
// save, in plain words.

import type { ComponentChildren } from 'preact';
import styles from './settings-panel.module.css';

interface SettingFormProps {
  /** The field's id; its hint is `${id}-hint`, for the field's aria-describedby. */
  id: string;
  label: string;
  hint: ComponentChildren;
  error: string | null;
  onSave(): Promise<void>;
  /** The field itself. */
  children: ComponentChildren;
}

export function SettingForm({ id, label, hint, error, onSave, children }: SettingFormProps) {
  return (
    <form
      class={styles.relay}
      onSubmit={(event) => {
        event.preventDefault();
        void onSave();
      }}
    >
      <label for={id}>{label}</label>
      <div class={styles.row}>
        {children}
        <button type="submit">Save</button>
      </div>
      <p id={`${id}-hint`} class={styles.hint}>
        {hint}
      </p>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
    </form>
  );
}
