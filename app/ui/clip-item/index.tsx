// One clip in the history: its text, who sent it and when, where it is, and Copy.

import { useSignal } from '@preact/signals';
import type { ClipView } from '../../core/session-types';
import { clipPreview } from '../lib/clip-preview';
import { memo } from '../lib/memo';
import { senderTime } from '../lib/sender-time';
import { COPY_FAILED, useCopy } from '../lib/use-copy';
import { Receipt } from '../receipt';
import { session } from '../state';
import styles from './clip-item.module.css';

export const UNREADABLE = 'The whole text of this clip could not be read from this device.';

/** The whole text: in memory for most clips, read from disk for a large one. */
export async function wholeText(clip: ClipView): Promise<string | undefined> {
  if (clip.text.length === clip.size) return clip.text;
  return session.value?.clipText(clip.id);
}

interface ClipItemProps {
  clip: ClipView;
  selfId: string;
  /** The sender's current name, when it is still in the room. */
  senderName: string;
  now: number;
  onDelete(id: string): void;
}

// Memoized: a new clip in a history of 200 draws one item, not 200.
export const ClipItem = memo(function ClipItem({
  clip,
  selfId,
  senderName,
  now,
  onDelete,
}: ClipItemProps) {
  const [copyState, copy] = useCopy();
  /** The whole text once the person asked to see it all. */
  const all = useSignal<string | null>(null);
  const unreadable = useSignal(false);
  const preview = clipPreview(clip.text);
  const time = senderTime(clip.at, now);
  const cut = (preview.truncated || clip.size > clip.text.length) && all.value === null;
  const shown = all.value ?? preview.text;
  async function read(use: (text: string) => unknown): Promise<void> {
    // A failed read is shown as the clip being unreadable.
    const text = await wholeText(clip).catch(() => undefined);
    unreadable.value = text === undefined;
    if (text !== undefined) await use(text);
  }

  return (
    <li
      class={styles.clip}
      data-testid="clip"
      data-clip-id={clip.id}
      data-pending={String(clip.pending)}
    >
      <pre class={`${styles.text} ${cut ? styles.cut : ''}`} data-testid="clip-text">
        {shown}
      </pre>
      {cut && (
        <button type="button" class="link" onClick={() => void read((text) => (all.value = text))}>
          Show all ({clip.size.toLocaleString()} characters)
        </button>
      )}
      <div class={styles.meta}>
        <span>
          {senderName}
          {clip.from === selfId && ' (this device)'} ·{' '}
          {time ? (
            <time dateTime={time.iso} title={time.local}>
              {time.relative}
            </time>
          ) : (
            'unknown time'
          )}{' '}
          · <Receipt clip={clip} />
        </span>
        <span class={styles.actions}>
          <button
            type="button"
            class="primary"
            aria-label={`Copy clip from ${senderName}`}
            onClick={() => void read(copy)}
          >
            {copyState === 'copied' ? 'Copied' : 'Copy'}
          </button>
          <button
            type="button"
            aria-label={`Delete clip from ${senderName}`}
            onClick={() => onDelete(clip.id)}
          >
            Delete
          </button>
        </span>
      </div>
      {copyState === 'failed' && (
        <p role="alert" class="error">
          {COPY_FAILED}
        </p>
      )}
      {unreadable.value && (
        <p role="alert" class="error">
          {UNREADABLE}
        </p>
      )}
    </li>
  );
});
