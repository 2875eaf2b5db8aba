// Large clips other devices hold: not pulled unasked, fetched with a tap.

import { useSignal } from '@preact/signals';
import { mib } from '../../core/held-clip';
import type { OfferView } from '../../core/session-types';
import { session } from '../state';
import styles from './offers.module.css';

export function Offers({ offers }: { offers: OfferView[] }) {
  const error = useSignal<string | null>(null);
  if (offers.length === 0) return null;

  async function fetchClip(id: string): Promise<void> {
    error.value = (await session.value?.fetchClip(id)) ?? null;
  }

  return (
    <div class={styles.offers}>
      <ul class={styles.list}>
        {offers.map((offer) => (
          <li key={offer.id} class={styles.offer} data-testid="offer">
            <span>
              Large clip ({mib(offer.size)}) from {offer.fromName}
            </span>
            <button
              type="button"
              disabled={offer.fetching}
              aria-label={`Fetch the large clip from ${offer.fromName}`}
              onClick={() => void fetchClip(offer.id)}
            >
              {offer.fetching ? 'Fetching…' : 'Fetch'}
            </button>
          </li>
        ))}
      </ul>
      {error.value && (
        <p role="alert" class="error">
          {error.value}
        </p>
      )}
    </div>
  );
}
