// Where a clip is written (or pasted) and sent to every device in the room.

import { type Signal, useSignal } from '@preact/signals';
import { shared } from '../../pwa/share';
import { errorText } from '../lib/error-text';
import { session } from '../state';
import styles from './composer.module.css';

const READ_REFUSED =
  'This browser did not allow reading the clipboard. Paste into the box with Ctrl+V, then press Send.';

async function readClipboard(): Promise<string | null> {
  try {
    return await navigator.clipboard.readText();
  } catch {
    return null;
  }
}

/** Sending what is in the box, or straight from the clipboard; a failure shows in `error`. */
function useSend(text: Signal<string>) {
  const error = useSignal<string | null>(null);
  const sending = useSignal(false);

  /** Resolves true once the clip is on its way. */
  async function send(value: string): Promise<boolean> {
    const current = session.value;
    if (!current || value === '' || sending.value) return false;
    sending.value = true;
    error.value = null;
    try {
      const result = await current.send(value);
      if (result.ok) {
        // Saving a large clip takes a while: what was typed meanwhile is the next clip.
        if (text.value === value) text.value = '';
        shared.value = null;
        return true;
      }
      error.value = result.error;
    } catch (cause) {
      error.value = `The clip was not sent: ${errorText(cause)}`;
    } finally {
      sending.value = false;
    }
    return false;
  }

  async function pasteAndSend(): Promise<void> {
    const pasted = await readClipboard();
    if (pasted === null) {
      error.value = READ_REFUSED;
      return;
    }
    if (pasted === '') {
      error.value = 'The clipboard is empty, or holds no text.';
      return;
    }
    // Megabytes in the box take seconds to lay out: it gets the text only to fix a failure.
    if (!(await send(pasted))) text.value = pasted;
  }

  return { error, sending, send, pasteAndSend };
}

export function Composer() {
  // Text shared into the app from elsewhere waits here, ready to send.
  const text = useSignal(shared.peek() ?? '');
  const { error, sending, send, pasteAndSend } = useSend(text);

  function onKeyDown(event: KeyboardEvent): void {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void send(text.value);
    }
  }

  const unavailable = !session.value || sending.value;
  return (
    <form
      class={styles.composer}
      onSubmit={(event) => {
        event.preventDefault();
        void send(text.value);
      }}
    >
      <label for="clip-text">Clip text</label>
      <textarea
        id="clip-text"
        class={styles.text}
        rows={3}
        value={text.value}
        onInput={(event) => {
          text.value = event.currentTarget.value;
          error.value = null;
        }}
        onKeyDown={onKeyDown}
        aria-describedby="clip-hint"
      />
      <p id="clip-hint" class={styles.hint}>
        Ctrl+Enter (⌘+Enter on a Mac) sends.
      </p>
      <div class={styles.actions}>
        <button type="submit" class="primary" disabled={unavailable || text.value === ''}>
          Send
        </button>
        <button type="button" disabled={unavailable} onClick={pasteAndSend}>
          Paste &amp; send
        </button>
      </div>
      {error.value && (
        <p role="alert" class="error">
          {error.value}
        </p>
      )}
    </form>
  );
}
