import { describe, expect, it } from 'vitest';
import { readTestHooks } from './test-hooks';

describe('readTestHooks', () => {
  it('changes nothing without parameters', () => {
    expect(readTestHooks('')).toEqual({ forceRelay: false });
  });

  it('reads a relay override, forced relay and no ICE servers', () => {
    expect(readTestHooks('?relay=http%3A%2F%2F127.0.0.1%3A9000&direct=off&ice=none')).toEqual({
      relayUrl: 'http://127.0.0.1:9000',
      forceRelay: true,
      iceServers: [],
    });
  });

  it('ignores a relay override that is not http(s)', () => {
    expect(readTestHooks('?relay=javascript:alert(1)').relayUrl).toBeUndefined();
  });

  it('reads a relay room override and a shorter piece timeout, and refuses odd ones', () => {
    const room = 'A'.repeat(22);
    expect(readTestHooks(`?relay-room=${room}&part-timeout=2000`)).toEqual({
      forceRelay: false,
      relayRoomId: room,
      partTimeoutMs: 2000,
    });
    expect(readTestHooks('?relay-room=../x&part-timeout=10')).toEqual({ forceRelay: false });
    expect(readTestHooks('?part-timeout=60000')).toEqual({ forceRelay: false });
  });
});
