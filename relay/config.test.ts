import { describe, expect, it } from 'vitest';
import { ConfigError, FLAGS, helpText, parseConfig } from './config';
import { DEFAULT_LIMITS } from './limits';

describe('config', () => {
  it('starts from the defaults', () => {
    expect(parseConfig([], {})).toEqual({
      port: 8787,
      host: '0.0.0.0',
      origins: ['*'],
      connectSrc: [],
      trustProxy: [],
      peers: [],
      ...DEFAULT_LIMITS,
    });
  });

  it('reads --redis and --peers, and refuses a peer that is not an http(s) URL', () => {
    const config = parseConfig(['--peers', 'https://r2.example,http://127.0.0.1:9'], {
      CLIPMESH_REDIS: 'redis://127.0.0.1:6379',
    });
    expect(config).toMatchObject({
      redis: 'redis://127.0.0.1:6379',
      peers: ['https://r2.example', 'http://127.0.0.1:9'],
    });
    expect(() => parseConfig(['--peers', 'ftp://r2.example'], {})).toThrow(ConfigError);
  });

  it('reads env, and flags win over env', () => {
    const config = parseConfig(
      ['--port', '0', '--max-devices=4', '--origins', 'https://a, https://b'],
      {
        PORT: '9000',
        HOST: '127.0.0.1',
        CLIPMESH_MAX_DEVICES: '8',
        CLIPMESH_PUBLISH_RATE: '2.5',
        CLIPMESH_STATIC: 'dist/app',
      },
    );
    expect(config).toMatchObject({
      port: 0,
      host: '127.0.0.1',
      maxDevicesPerRoom: 4,
      publishRate: 2.5,
      staticDir: 'dist/app',
      origins: ['https://a', 'https://b'],
    });
  });

  it('returns undefined for --help', () => {
    expect(parseConfig(['--port', '1', '--help'], {})).toBeUndefined();
  });

  it.each([
    [['--port', '70000']],
    [['--port', 'http']],
    [['--max-body', '0']],
    [['--max-body', '1.5']],
    [['--max-rooms', '']],
    [['--keepalive-ms']],
    [['--nope', '1']],
    [['stray']],
  ])('refuses %j', (argv) => {
    expect(() => parseConfig(argv, {})).toThrow(ConfigError);
  });

  it('reads trusted proxies from --trust-proxy or CLIPMESH_TRUST_PROXY, none by default', () => {
    expect(parseConfig([], {})?.trustProxy).toEqual([]);
    const env = { CLIPMESH_TRUST_PROXY: '10.0.0.0/8, ::1' };
    expect(parseConfig([], env)?.trustProxy).toEqual(['10.0.0.0/8', '::1']);
    expect(parseConfig(['--trust-proxy', '127.0.0.1'], env)?.trustProxy).toEqual(['127.0.0.1']);
    expect(() => parseConfig(['--trust-proxy', 'proxy.local'], {})).toThrow(/--trust-proxy/);
    expect(() => parseConfig([], { CLIPMESH_TRUST_PROXY: '10.0.0.0/40' })).toThrow(ConfigError);
  });

  it('refuses a bad env value, naming the variable', () => {
    expect(() => parseConfig([], { CLIPMESH_MAX_QUEUE: 'lots' })).toThrow(/CLIPMESH_MAX_QUEUE/);
  });

  it('lists every flag with its env name and default in --help', () => {
    const help = helpText();
    for (const flag of FLAGS) {
      const line = help.split('\n').find((row) => row.startsWith(`--${flag.name} `));
      expect(line, flag.name).toContain(flag.env);
    }
    expect(help).toMatch(/--max-body\s+CLIPMESH_MAX_BODY\s+65536/);
    expect(help).toMatch(/--port\s+PORT\s+8787/);
  });
});
