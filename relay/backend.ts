// The seam between the relay's HTTP edge and where rooms live: in this process (the default) or
// shared by several relay processes through Redis. The edge parses and answers; a backend admits,
// orders, stores for replay and fans out. Refusals are thrown as RelayError.
import type { PublishRequest, PublishResponse } from './contract';

/** What a backend needs of one open event stream. */
export interface Subscriber {
  readonly device: string;
  /** Writes one SSE frame; `kind` is its event name, for metrics. */
  send(kind: string, frame: string): void;
  /** Ends the stream, after `frame` if given. */
  end(frame?: string): void;
}

export interface JoinRequest<S extends Subscriber> {
  roomId: string;
  /** The client address joining; rooms made per address are counted by it. */
  owner: string;
  key: string;
  subscriber: S;
  lastEventId?: string;
}

export interface Joined {
  /** The id for the `members` frame: the room's latest event. */
  id: string;
  /** The other devices present. */
  devices: string[];
  resumed: boolean;
  /** This device's earlier stream, held by this process, was ended for this one. */
  tookOver: boolean;
  /** Frames missed since `lastEventId`, in order, for this device only. */
  missed: { name: string; frame: string }[];
}

/** Figures a backend shares with /healthz and /metrics. */
export interface BackendStatus {
  /** Rooms this process holds. */
  rooms: number;
  /** Bindings kept for rooms that are gone (in-memory only). */
  keptBindings: number;
  /** Absent for the in-memory backend. */
  cluster?: ClusterStatus;
}

export interface ClusterStatus {
  backend: 'redis';
  /** Connected to Redis and subscribed: streams may open and publishes pass. */
  connected: boolean;
  /** Relay instances whose heartbeat has not expired, this one included. */
  instances: number;
  /** Events received from Redis and fanned out here. */
  eventsIn: number;
  /** Times the connection to Redis was lost. */
  disconnects: number;
}

export interface RoomBackend<S extends Subscriber> {
  /** Resolves once the backend can serve (Redis: first connect tried). */
  start(): Promise<void>;
  /** Opens the room if needed and joins it; a device already present is taken over. */
  join(request: JoinRequest<S>): Promise<Joined>;
  /** A closed stream; nothing happens if a takeover already replaced it. */
  leave(roomId: string, subscriber: S): void;
  /** Resolves when the device is bound with this key in the room; throws RelayError if not. */
  verify(roomId: string, device: string, key: string): Promise<void>;
  /** `charge` is the caller's own budget (per address), asked once the device is admitted. */
  publish(roomId: string, message: PublishRequest, charge: () => number): Promise<PublishResponse>;
  sweep(): void;
  status(): BackendStatus;
  close(): Promise<void>;
}

/** Calls `deliver` for each frame a backend writes, so the edge can count fan-out latency. */
export type Deliver<S extends Subscriber> = (
  subscriber: S,
  name: string,
  frame: string,
  born: number,
) => void;
