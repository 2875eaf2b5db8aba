// What the terminal says about the room while a command runs, on standard error so that
// standard output carries only clips: the relay's status and devices coming and going.

import type { RoomState } from '../app/core/session-types';
import type { Store } from '../app/core/store';
import { isReachable, PEER_STATE_LABELS, statusText } from '../app/ui/lib/status';

/** Prints a line whenever what a person would read changes; returns the way to stop. */
export function reportRoom(state: Store<RoomState>, say: (line: string) => void): () => void {
  let lastStatus = '';
  const lastDevices = new Map<string, string>();
  const look = (room: RoomState): void => {
    const connected = room.devices.filter((device) => isReachable(device.state)).length;
    const status = statusText(room.relay, connected, room.relayDetail);
    const seen = new Set<string>();
    for (const device of room.devices) {
      // Said once a link is up: until its first sealed hello it has no name of its own.
      if (device.state === 'connecting' && !lastDevices.has(device.id)) continue;
      seen.add(device.id);
      const line = `${device.name || 'A device'}: ${PEER_STATE_LABELS[device.state]}`;
      if (lastDevices.get(device.id) !== line) say(line);
      lastDevices.set(device.id, line);
    }
    for (const [id, line] of lastDevices) {
      if (seen.has(id)) continue;
      lastDevices.delete(id);
      say(`${line.slice(0, line.lastIndexOf(':'))}: left`);
    }
    if (status !== lastStatus) say(status);
    lastStatus = status;
  };
  look(state.get());
  return state.subscribe(look);
}
