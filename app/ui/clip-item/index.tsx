// One clip in the history: its text, who sent it and when, where it is, and Copy.

import { useSignal } from '@preact/signals';
import type { ClipView } from '../../core/session-types';
import { clipPreview } from '../lib/clip-preview';
import { memo } from '../lib/memo';
import { senderTime } from '../lib/sender-time';
import { COPY_FAILED, useCopy } from '../lib/use-copy';
import { Receipt } from '../receipt';
import styles from './clip-item.module.css';

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
  const showAll = useSignal(false);
  const preview = clipPreview(clip.text);
  const cut = preview.truncated && !showAll.value;
  const shown = cut ? preview.text : clip.text;
  const time = senderTime(clip.at, now);

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
        <button type="button" class="link" onClick={() => (showAll.value = true)}>
          Show all ({preview.total.toLocaleString()} characters)
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
            onClick={() => copy(clip.text)}
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
    </li>
  );
});
