// Getting clips and messages to devices for clip sync: one copy of a clip on its way to a
// device at a time, a refused one tried again with backoff until its receipt comes, receipts
// gathered per device, and every message that could not be sent counted.

import { Batches } from './batches';
import { DeliveryRetries } from './delivery-retry';
import { type HeldClip, isWhole, wireClip } from './held-clip';
import { MAX_IDS, type PeerMessage } from './protocol';
import type { Undelivered } from './session-types';
import type { SyncLink } from './sync-link';
import { PublishError } from './transport/types';

export interface DeliveryOptions {
  link: SyncLink;
  /** The whole text of a clip whose start alone is in memory, read from disk. */
  text(id: string): Promise<string | undefined>;
  /** Whether a device still lacks a clip and can be reached: only then is it tried again. */
  awaitsReceipt(deviceId: string, id: string): boolean;
  onChange(): void;
}

export class Delivery {
  private readonly sending = new Set<string>();
  /** Clips the link refused, each waiting to be tried again. */
  private readonly retries = new DeliveryRetries();
  private refusals = 0;
  private refusedDetail: string | undefined;
  /** Messages other than clips that could not be sent; each goes again at the next connection. */
  private unsent = 0;
  /** Receipts go a task after the change that shows their clips, one message per device. */
  private readonly receipts = new Batches((deviceId, ids) => {
    // The sender delivers the clip again, and it is acknowledged then.
    this.tellOnce(deviceId, { t: 'ack', ids });
  });

  constructor(private readonly options: DeliveryOptions) {}

  /** One copy of a clip on its way to a device at a time, however often it is wanted. */
  async clip(deviceId: string, clip: HeldClip, attempt = 0): Promise<void> {
    const key = `${deviceId}\n${clip.id}`;
    if (this.sending.has(key)) return;
    this.retries.cancel(key);
    this.sending.add(key);
    try {
      const text = isWhole(clip) ? clip.text : await this.options.text(clip.id);
      // Its whole text is gone from disk: there is nothing to send.
      if (text === undefined) return;
      await this.options.link.send(deviceId, { t: 'clip', clip: { ...wireClip(clip), text } });
    } catch (error) {
      this.refusedOnce(deviceId, clip, attempt, error);
    } finally {
      this.sending.delete(key);
    }
  }

  /** A receipt for `id` goes to `deviceId` with the others gathered meanwhile. */
  receipt(deviceId: string, id: string): void {
    this.receipts.add(deviceId, id);
  }

  /** `deviceId` holds these clips: nothing more of them is tried again. */
  received(deviceId: string, ids: string[]): void {
    for (const id of ids) this.retries.cancel(`${deviceId}\n${id}`);
  }

  /** Sends a message that goes again at the next connection; a failure is counted, not retried. */
  tellOnce(deviceId: string, message: PeerMessage): void {
    this.options.link.send(deviceId, message).catch(() => {
      this.unsent += 1;
      this.options.onChange();
    });
  }

  /** Deleted ids in as many messages as they need; one lost goes again at the next connection. */
  deleted(deviceId: string, ids: string[]): void {
    for (let start = 0; start < ids.length; start += MAX_IDS) {
      this.tellOnce(deviceId, { t: 'deleted', ids: ids.slice(start, start + MAX_IDS) });
    }
  }

  /** Clips refused on their way to a device and waiting for another try. */
  undelivered(): Undelivered {
    const { waiting } = this.retries;
    return {
      waiting,
      refused: this.refusals,
      unsent: this.unsent,
      detail: waiting > 0 ? this.refusedDetail : undefined,
    };
  }

  /** Stops trying again. */
  close(): void {
    this.retries.cancelAll();
  }

  /**
   * A send the link refused (the relay said no, or was away) is tried again with backoff
   * until a receipt comes or the device goes; one that comes back is sent to on connecting.
   */
  private refusedOnce(deviceId: string, clip: HeldClip, attempt: number, error: unknown): void {
    this.refusals += 1;
    this.refusedDetail = error instanceof Error ? error.message : String(error);
    if (this.options.awaitsReceipt(deviceId, clip.id)) {
      const minMs = error instanceof PublishError ? (error.retryAfterMs ?? 0) : 0;
      this.retries.later(`${deviceId}\n${clip.id}`, attempt, minMs, () => {
        if (this.options.awaitsReceipt(deviceId, clip.id)) {
          void this.clip(deviceId, clip, attempt + 1);
        }
        this.options.onChange();
      });
    }
    this.options.onChange();
  }
}
