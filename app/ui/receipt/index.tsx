// A clip's receipt: "on 2 devices", which opens to the devices' names on a tap (phones have no
// hover), and says it all in its accessible name and on hover.

import { computed, useSignal } from '@preact/signals';
import type { ClipView } from '../../core/session-types';
import { receipt } from '../lib/receipts';
import { device, peers } from '../state';
import styles from './receipt.module.css';

let lastOthers: ReadonlyMap<string, string> = new Map();
/** The other devices' names by id: the same map until one joins, leaves or is renamed. */
const others = computed(() => {
  const next = new Map(peers.value.map((peer) => [peer.id, peer.name]));
  const same =
    next.size === lastOthers.size && [...next].every(([id, name]) => lastOthers.get(id) === name);
  if (!same) lastOthers = next;
  return lastOthers;
});

export function Receipt({ clip }: { clip: ClipView }) {
  const open = useSignal(false);
  const self = device.value;
  if (!self) return null;
  const shown = receipt(clip, { self, others: others.value });
  const detailId = `receipt-${clip.id}`;
  return (
    <>
      <button
        type="button"
        class="link"
        data-testid="receipt"
        aria-label={shown.sentence}
        title={shown.sentence}
        aria-expanded={open.value}
        aria-controls={open.value ? detailId : undefined}
        onClick={() => (open.value = !open.value)}
      >
        {shown.label}
      </button>
      {open.value && (
        <span id={detailId} class={styles.detail} data-testid="receipt-detail">
          <span>On: {shown.holders.join(', ')}</span>
          {shown.waiting.length > 0 && <span>Waiting for: {shown.waiting.join(', ')}</span>}
        </span>
      )}
    </>
  );
}
