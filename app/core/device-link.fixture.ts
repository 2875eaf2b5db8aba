// Helpers for the link tests: a connection the test opens, fails and closes by hand.

import { DeviceLink } from './device-link';
import type { ConnectionEvents, DeviceLinkOptions } from './link-state';
import type { ConnectionState, PeerLink } from './peer';
import type { SessionDescription } from './protocol';

export interface HandConnection extends PeerLink {
  readonly events: ConnectionEvents;
  isOpen: boolean;
  closed: boolean;
  applied: SessionDescription[];
  /** Refuses every offer, as a connection to an earlier run of the device does. */
  refuseOffers: boolean;
  /** Reports a state as the real connection would. */
  report(state: ConnectionState): void;
}

export function handConnection(events: ConnectionEvents): HandConnection {
  const connection: HandConnection = {
    events,
    closed: false,
    applied: [],
    refuseOffers: false,
    isOpen: false,
    maxMessageSize: 65_536,
    handleDescription: async (description) => {
      if (connection.refuseOffers && description.type === 'offer') {
        throw new Error('The offer comes from another connection.');
      }
      connection.applied.push(description);
    },
    handleCandidate: async () => {},
    send: async () => {},
    route: async () => 'lan',
    close: () => {
      connection.closed = true;
    },
    report: (state) => {
      connection.isOpen = state === 'open';
      events.onState(state);
    },
  };
  return connection;
}

export interface LinkUnderTest {
  link: DeviceLink;
  /** Every connection the link made, oldest first. */
  made: HandConnection[];
  /** One entry per onReachable: true when direct. */
  reached: boolean[];
  /** The newest connection. */
  latest(): HandConnection;
  /** Every connection made from now on refuses offers. */
  refuseOffers(): void;
}

/** A link to 'device-bbbb' whose connections the test drives; timers as given. */
export function linkUnderTest(options: Partial<DeviceLinkOptions> = {}): LinkUnderTest {
  const made: HandConnection[] = [];
  const reached: boolean[] = [];
  let refusing = false;
  const link = new DeviceLink({
    id: 'device-bbbb',
    initiator: true,
    fallbackAfterMs: 3_000,
    responderWaitMs: 2_000,
    connect: (events) => {
      const connection = handConnection(events);
      connection.refuseOffers = refusing;
      made.push(connection);
      return connection;
    },
    onFrame: () => {},
    onReachable: (direct) => reached.push(direct),
    onChange: () => {},
    ...options,
  });
  const latest = (): HandConnection => {
    const connection = made.at(-1);
    if (!connection) throw new Error('no connection made yet');
    return connection;
  };
  const refuseOffers = (): void => {
    refusing = true;
    for (const connection of made) connection.refuseOffers = true;
  };
  return { link, made, reached, latest, refuseOffers };
}
