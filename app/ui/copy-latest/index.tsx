// The newest clip from another device, one tap from the clipboard.

import { useSignal } from '@preact/signals';
import { UNREADABLE, wholeText } from '../clip-item';
import { COPY_FAILED, useCopy } from '../lib/use-copy';
import { autoCopiedId, latestReceived, peers } from '../state';
import styles from './copy-latest.module.css';

const SNIPPET_CHARS = 80;

export function CopyLatest() {
  const [copyState, copy] = useCopy();
  const unreadable = useSignal(false);
  const clip = latestReceived.value;
  if (!clip) return null;
  const snippet = clip.text.slice(0, SNIPPET_CHARS).replace(/\s+/g, ' ');
  const autoCopied = autoCopiedId.value === clip.id;
  // The sender's name now, as the history shows it; the clip carries the name it was sent under.
  const from = peers.value.find((peer) => peer.id === clip.from)?.name ?? clip.fromName;

  return (
    <section class={styles.latest} aria-label="Latest clip">
      <button
        type="button"
        class={styles.button}
        onClick={async () => {
          // A failed read is shown as the clip being unreadable.
          const text = await wholeText(clip).catch(() => undefined);
          unreadable.value = text === undefined;
          if (text !== undefined) await copy(text);
        }}
      >
        <span class={styles.title}>
          {copyState === 'copied' ? 'Copied' : `Copy latest from ${from}`}
        </span>
        <span class={styles.snippet}>
          {snippet}
          {clip.size > SNIPPET_CHARS && '…'}
        </span>
      </button>
      {autoCopied && copyState === 'idle' && (
        <p class={styles.note}>Already copied to your clipboard.</p>
      )}
      {unreadable.value && (
        <p role="alert" class="error">
          {UNREADABLE}
        </p>
      )}
      {copyState === 'failed' && (
        <p role="alert" class="error">
          {COPY_FAILED}
        </p>
      )}
    </section>
  );
}
