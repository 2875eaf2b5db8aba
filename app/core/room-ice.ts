// Where a room's links get their STUN and TURN servers: a fixed list, or the relay's
// (named in its stream's first event, or asked for once the stream is open).

import { askRelayForIce, DEFAULT_ICE_SERVERS, type IceServers } from './ice-servers';
import { type IceInUse, RelayIce } from './relay-ice';
import type { OpenRoomOptions } from './room';
import { createStore, type Store } from './store';
import type { Transport, TransportOptions } from './transport/types';

/** What decides a room's servers: a fixed list, a person's own, or the relay's. */
type IceChoice = Pick<OpenRoomOptions, 'relayUrl' | 'iceServers' | 'ownIceServers' | 'transport'>;

export interface RoomIce {
  servers: IceServers;
  inUse: Store<IceInUse>;
  relay?: RelayIce;
}

/** A fixed list when one is given or the transport is not the relay; else the relay's. */
export function iceFor(options: IceChoice, transport: TransportOptions): RoomIce {
  const own = options.ownIceServers ?? [];
  if (options.iceServers || options.transport) {
    const servers = options.iceServers ?? (own.length > 0 ? own : DEFAULT_ICE_SERVERS);
    const from = options.iceServers || own.length === 0 ? 'default' : 'yours';
    const view = servers.map((server) => ({ urls: [server.urls].flat(), from }) as const);
    return { servers, inUse: createStore<IceInUse>({ servers: view, asking: false }) };
  }
  const ask = () =>
    askRelayForIce(options.relayUrl, transport.roomId, transport.deviceId, transport.deviceKey);
  const store = createStore<IceInUse>({ servers: [], asking: true });
  const relay = new RelayIce({ own, ask, onChange: (inUse) => store.set(inUse) });
  store.set(relay.view());
  return { servers: relay.servers, inUse: store, relay };
}

/**
 * The relay hands out ICE servers only to a device bound by an open event stream. Its first
 * event names them, right after 'open': the ask waits a microtask for it, and an older relay
 * that names none is asked.
 */
export function askIceOnOpen(transport: Transport, ice: RelayIce): Transport {
  return {
    maxPayload: transport.maxPayload,
    get dropped() {
      return transport.dropped;
    },
    publish: (payload, to) => transport.publish(payload, to),
    subscribe: (handler) =>
      transport.subscribe((event) => {
        if (event.type === 'status' && event.status === 'open') {
          queueMicrotask(() => ice.relayOpened());
        }
        handler(event);
      }),
  };
}
