import { describe, expect, it } from 'vitest';
import { addressKey, clientAddress, plainAddress, trustedProxies } from './address';

describe('addressKey', () => {
  it('counts IPv4 by the whole address', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('203.0.113.8')).not.toBe(addressKey('203.0.113.7'));
  });

  it('counts IPv6 by its /64, however it is written', () => {
    const key = addressKey('2001:db8:1:2::1');
    expect(key).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe(key);
    expect(addressKey('2001:db8:1:2:0:0:0:9%eth0')).toBe(key);
    expect(addressKey('2001:db8:1:3::1')).not.toBe(key);
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
  });

  it('counts IPv4-mapped IPv6 as the IPv4 address', () => {
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('::ffff:cb00:7107')).toBe('203.0.113.7');
    expect(plainAddress('::ffff:127.0.0.1')).toBe('127.0.0.1');
  });
});

describe('clientAddress', () => {
  const proxies = trustedProxies(['127.0.0.1', '10.0.0.0/8', 'fd00::/8']);

  it('ignores X-Forwarded-For when no proxy is trusted', () => {
    expect(clientAddress('127.0.0.1', '198.51.100.1', undefined)).toBe('127.0.0.1');
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', () => {
    expect(clientAddress('192.0.2.9', '198.51.100.1', proxies)).toBe('192.0.2.9');
  });

  it('takes the nearest untrusted hop, so a client cannot choose its own address', () => {
    const chain = '6.6.6.6, 198.51.100.1, 10.1.2.3';
    expect(clientAddress('::ffff:127.0.0.1', chain, proxies)).toBe('198.51.100.1');
    expect(clientAddress('127.0.0.1', ['6.6.6.6', '198.51.100.1'], proxies)).toBe('198.51.100.1');
  });

  it('stops at a malformed hop, answering with the proxy that passed it on', () => {
    expect(clientAddress('127.0.0.1', '198.51.100.1, nonsense', proxies)).toBe('127.0.0.1');
    expect(clientAddress('127.0.0.1', '', proxies)).toBe('127.0.0.1');
  });

  it('reads IPv6 hops', () => {
    expect(clientAddress('fd00::5', '2001:db8::1', proxies)).toBe('2001:db8::1');
  });
});

describe('trustedProxies', () => {
  it('refuses what is not an address or a CIDR range', () => {
    for (const bad of ['localhost', '10.0.0.0/33', '10.0.0.0/8/1', '::/129', '10.0.0.0/x']) {
      expect(() => trustedProxies([bad])).toThrow(RangeError);
    }
    expect(trustedProxies([])).toBeUndefined();
  });
});
