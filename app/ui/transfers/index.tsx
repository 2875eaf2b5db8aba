// Large clips still on their way, with how far along they are.

import type { TransferView } from '../../core/session-types';
import styles from './transfers.module.css';

interface TransfersProps {
  transfers: TransferView[];
  nameOf(deviceId: string): string;
}

export function Transfers({ transfers, nameOf }: TransfersProps) {
  if (transfers.length === 0) return null;
  return (
    <ul class={styles.transfers} aria-label="Clips on their way">
      {transfers.map((transfer) => {
        const label =
          transfer.direction === 'in'
            ? `Receiving a clip from ${nameOf(transfer.peer)}`
            : `Sending a clip to ${nameOf(transfer.peer)}`;
        const percent = Math.floor((100 * transfer.done) / Math.max(1, transfer.total));
        return (
          <li key={transfer.id} class={styles.transfer} data-testid="transfer">
            <label for={`transfer-${transfer.id}`}>
              {label} ({percent}%)
            </label>
            <progress id={`transfer-${transfer.id}`} value={transfer.done} max={transfer.total} />
          </li>
        );
      })}
    </ul>
  );
}
