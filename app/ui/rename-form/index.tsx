// Renaming something a person named: the field, Save and Cancel. An empty or unchanged name
// renames nothing.

import type { Signal } from '@preact/signals';
import { MAX_NAME_CHARS } from '../../core/protocol';

interface RenameFormProps {
  id: string;
  label: string;
  /** The name being edited; back to null once saved or cancelled. */
  draft: Signal<string | null>;
  current: string;
  onRename(name: string): Promise<void>;
  class?: string;
}

export function RenameForm({
  id,
  label,
  draft,
  current,
  onRename,
  class: className,
}: RenameFormProps) {
  async function save(): Promise<void> {
    const name = draft.value?.trim() ?? '';
    draft.value = null;
    if (name !== '' && name !== current) await onRename(name);
  }

  return (
    <form
      class={className}
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <label for={id}>{label}</label>
      <input
        id={id}
        value={draft.value ?? ''}
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
