import { describe, expect, it } from 'vitest';
import { appUrls, lanAddresses } from './lan.mjs';

const ipv4 = (address, internal = false) => ({ address, family: 'IPv4', internal });

describe('lanAddresses', () => {
  it('lists IPv4 addresses other than loopback, real network cards before virtual ones', () => {
    const interfaces = {
      lo: [ipv4('127.0.0.1', true)],
      docker0: [ipv4('172.17.0.1')],
      wlan0: [ipv4('192.168.1.23'), { address: 'fe80::1', family: 'IPv6', internal: false }],
      eth0: [ipv4('10.0.0.5')],
    };
    expect(lanAddresses(interfaces)).toEqual(['192.168.1.23', '10.0.0.5', '172.17.0.1']);
  });

  it('is empty on a computer with no network', () => {
    expect(lanAddresses({ lo: [ipv4('127.0.0.1', true)] })).toEqual([]);
  });
});

describe('appUrls', () => {
  it('gives every LAN address when the relay listens on all of them', () => {
    expect(
      appUrls({ scheme: 'https', address: '0.0.0.0', port: 8787 }, ['192.168.1.23', '10.0.0.5']),
    ).toEqual({
      local: 'https://localhost:8787/',
      lan: ['https://192.168.1.23:8787/', 'https://10.0.0.5:8787/'],
    });
  });

  it('gives no LAN address when the relay listens on loopback only', () => {
    expect(appUrls({ scheme: 'http', address: '127.0.0.1', port: 9 }, ['192.168.1.23'])).toEqual({
      local: 'http://127.0.0.1:9/',
      lan: [],
    });
  });

  it('gives the one address the relay is bound to', () => {
    expect(appUrls({ scheme: 'http', address: '192.168.1.23', port: 9 }, [])).toEqual({
      local: 'http://192.168.1.23:9/',
      lan: ['http://192.168.1.23:9/'],
    });
  });
});
