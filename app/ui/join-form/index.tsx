// Joins a room from a pasted link or room code.

import { useSignal } from '@preact/signals';
import { joinRoom } from '../room-control';
import styles from './join-form.module.css';

export function JoinForm() {
  const text = useSignal('');
  const error = useSignal<string | null>(null);

  async function join(): Promise<void> {
    error.value = await joinRoom(text.value);
    if (error.value === null) text.value = '';
  }

  return (
    <form
      class={styles.join}
      onSubmit={(event) => {
        event.preventDefault();
        void join();
      }}
    >
      <label for="join-input">Join a room: paste its link or code</label>
      <div class={styles.row}>
        <input
          id="join-input"
          value={text.value}
          autocomplete="off"
          spellcheck={false}
          aria-invalid={error.value !== null}
          aria-describedby={error.value ? 'join-error' : undefined}
          onInput={(event) => {
            text.value = event.currentTarget.value;
            error.value = null;
          }}
        />
        <button type="submit">Join</button>
      </div>
      {error.value && (
        <p id="join-error" role="alert" class="error">
          {error.value}
        </p>
      )}
    </form>
  );
}
