// The one seam between clipmesh and whatever carries its signaling.
// A transport moves opaque sealed strings between devices of one room; it never
// sees what is inside them. Adding a transport means adding one file that
// implements this interface.

export type TransportStatus =
  /** Trying to reach the signaling service: first, or again after it was open. */
  | 'connecting'
  /** Subscribed: member events and messages flow. */
  | 'open'
  /** Could not reach it; retrying with backoff, quietly, until a retry opens. */
  | 'unreachable'
  /** This device connected again elsewhere (another tab); this one stops. */
  | 'replaced'
  /** The room has no place left. */
  | 'full'
  /** Refused for good (bad room id, device id taken with another key). */
  | 'refused'
  /** unsubscribe() was called. */
  | 'closed';

export type TransportEvent =
  /** The full list of other devices present, sent on every (re)connection. */
  | { type: 'members'; devices: string[] }
  | { type: 'join'; device: string }
  | { type: 'leave'; device: string }
  /** `from` is vouched for by the transport (the relay stamps it). */
  | { type: 'message'; from: string; payload: string }
  | { type: 'status'; status: TransportStatus; detail?: string };

export interface Transport {
  /** Largest payload publish() accepts, in UTF-16 code units. */
  readonly maxPayload: number;
  /** Starts delivering events to the handler; returns the way to stop. */
  subscribe(handler: (event: TransportEvent) => void): () => void;
  /** Sends to one device, or to every other device when `to` is undefined. */
  publish(payload: string, to?: string): Promise<void>;
  /** Malformed events dropped so far; a transport that reads nothing from outside has none. */
  readonly dropped?: number;
}

/** What every transport is created from. */
export interface TransportOptions {
  /** The relay room id derived from the room secret. */
  roomId: string;
  deviceId: string;
  deviceKey: string;
  /** Called for every event dropped as malformed, with what was wrong. */
  onDrop?(reason: string): void;
}

/**
 * A publish the transport could not deliver. `status` is the relay's HTTP status,
 * or 0 when no answer came (network down, or the transport is not subscribed).
 */
export class PublishError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'PublishError';
  }
}
