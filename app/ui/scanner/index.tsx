// "Scan to join": only this button is in the first bundle; the scanner loads on the first press.

import type { ComponentType } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { errorText } from '../lib/error-text';
import styles from './scan-button.module.css';

type ScannerDialog = ComponentType<{ onClose(): void }>;

export function ScanButton() {
  const [Dialog, setDialog] = useState<ScannerDialog | null>(null);
  const [error, setError] = useState<string | null>(null);
  const button = useRef<HTMLButtonElement>(null);

  function open(): void {
    setError(null);
    import('./scanner-dialog').then(
      (loaded) => setDialog(() => loaded.ScannerDialog),
      (cause: unknown) =>
        setError(`The scanner could not load: ${errorText(cause)}. Reload to try again.`),
    );
  }

  function close(): void {
    setDialog(null);
    button.current?.focus();
  }

  return (
    <div class={styles.scan}>
      <button ref={button} type="button" onClick={open}>
        Scan to join
      </button>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {Dialog && <Dialog onClose={close} />}
    </div>
  );
}
