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
});
