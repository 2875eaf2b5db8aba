import { describe, expect, it } from 'vitest';
import { relayUrlError } from './relay-url';

describe('relayUrlError', () => {
  it('accepts http and https addresses and an empty box', () => {
    expect(relayUrlError('https://relay.example.com')).toBeNull();
    expect(relayUrlError('http://localhost:8787/')).toBeNull();
    expect(relayUrlError('  ')).toBeNull();
  });

  it('rejects other schemes and broken addresses in plain words', () => {
    expect(relayUrlError('ws://relay.example.com')).toMatch(/must start with https:\/\//);
    expect(relayUrlError('javascript:alert(1)')).toMatch(/must start with/);
    expect(relayUrlError('https://')).toMatch(/not a valid web address/);
  });
});
