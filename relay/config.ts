// Flags and environment for the relay's command line. Flags win over env, env over defaults.
import { trustedProxies } from './address';
import { MAX_RELAY_URL_CHARS, MAX_RELAYS } from './contract';
import { iceOptionsError } from './ice';
import { DEFAULT_LIMITS, type RelayLimits } from './limits';

function isRelayUrl(text: string): boolean {
  if (text.length > MAX_RELAY_URL_CHARS) return false;
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && !url.search && !url.hash;
  } catch {
    return false;
  }
}

export interface CliConfig extends RelayLimits {
  port: number;
  host: string;
  staticDir?: string;
  tap?: string;
  cert?: string;
  key?: string;
  origins: string[];
  connectSrc: string[];
  trustProxy: string[];
  stun?: string[];
  turn?: string[];
  turnSecret?: string;
  turnTtl?: number;
  redis?: string;
  presenceTtlMs?: number;
  peers: string[];
}

type Kind = 'number' | 'integer' | 'port' | 'string' | 'list';

interface Flag {
  name: string;
  env: string;
  key: keyof CliConfig;
  kind: Kind;
  help: string;
}

const DEFAULTS: CliConfig = {
  port: 8787,
  host: '0.0.0.0',
  origins: ['*'],
  connectSrc: [],
  trustProxy: [],
  peers: [],
  ...DEFAULT_LIMITS,
};

const limit = (name: string, key: keyof RelayLimits, help: string, kind: Kind = 'integer') => ({
  name,
  env: `CLIPMESH_${name.toUpperCase().replaceAll('-', '_')}`,
  key,
  kind,
  help,
});

export const FLAGS: Flag[] = [
  { name: 'port', env: 'PORT', key: 'port', kind: 'port', help: 'TCP port; 0 picks a free one' },
  { name: 'host', env: 'HOST', key: 'host', kind: 'string', help: 'address to bind' },
  {
    name: 'static',
    env: 'CLIPMESH_STATIC',
    key: 'staticDir',
    kind: 'string',
    help: 'serve the built app from this directory',
  },
  {
    name: 'cert',
    env: 'CLIPMESH_CERT',
    key: 'cert',
    kind: 'string',
    help: 'TLS certificate (PEM file); with --key, serve https',
  },
  {
    name: 'key',
    env: 'CLIPMESH_KEY',
    key: 'key',
    kind: 'string',
    help: 'TLS private key (PEM file) for --cert',
  },
  {
    name: 'origins',
    env: 'CLIPMESH_ORIGINS',
    key: 'origins',
    kind: 'list',
    help: 'comma-separated origins allowed to call the API; * allows any',
  },
  {
    name: 'connect-src',
    env: 'CLIPMESH_CONNECT_SRC',
    key: 'connectSrc',
    kind: 'list',
    help: "comma-separated origins added to the app's CSP connect-src",
  },
  {
    name: 'trust-proxy',
    env: 'CLIPMESH_TRUST_PROXY',
    key: 'trustProxy',
    kind: 'list',
    help: 'comma-separated proxy addresses or CIDR ranges whose X-Forwarded-For names the client',
  },
  {
    name: 'redis',
    env: 'CLIPMESH_REDIS',
    key: 'redis',
    kind: 'string',
    help: 'share rooms with other relays through this Redis (redis://host:port); none: in memory',
  },
  {
    name: 'peers',
    env: 'CLIPMESH_PEERS',
    key: 'peers',
    kind: 'list',
    help: 'comma-separated URLs of the other relays of this service, told to devices for failover',
  },
  {
    name: 'presence-ttl-ms',
    env: 'CLIPMESH_PRESENCE_TTL_MS',
    key: 'presenceTtlMs',
    kind: 'integer',
    help: 'with --redis: a device leaves this long after its relay stops (default 15000)',
  },
  {
    name: 'tap',
    env: 'CLIPMESH_TAP',
    key: 'tap',
    kind: 'string',
    help: 'append every byte received and sent to this file (debugging)',
  },
  {
    name: 'stun',
    env: 'CLIPMESH_STUN',
    key: 'stun',
    kind: 'list',
    help: 'comma-separated stun: URLs handed to devices',
  },
  {
    name: 'turn',
    env: 'CLIPMESH_TURN',
    key: 'turn',
    kind: 'list',
    help: 'comma-separated turn:/turns: URLs of a coturn using --turn-secret',
  },
  {
    name: 'turn-secret',
    env: 'CLIPMESH_TURN_SECRET',
    key: 'turnSecret',
    kind: 'string',
    help: "coturn's static-auth-secret: mints each device a time-limited password",
  },
  {
    name: 'turn-ttl',
    env: 'CLIPMESH_TURN_TTL',
    key: 'turnTtl',
    kind: 'integer',
    help: 'seconds a minted TURN password works (default 86400)',
  },
  limit('max-body', 'maxBodyBytes', 'largest publish body, in bytes'),
  limit('max-devices', 'maxDevicesPerRoom', 'devices present in one room'),
  limit('max-rooms', 'maxRooms', 'rooms held at once'),
  limit('max-rooms-per-ip', 'maxRoomsPerIp', 'rooms one client address (IPv6: its /64) may hold'),
  limit('max-connections', 'maxConnections', 'open event streams in total'),
  limit(
    'max-connections-per-ip',
    'maxConnectionsPerIp',
    'open sockets, and open requests, per client address (IPv6: its /64)',
  ),
  limit('publish-rate', 'publishRate', 'publishes per second per device', 'number'),
  limit('publish-burst', 'publishBurst', 'publishes a device may send at once'),
  limit('room-publish-rate', 'roomPublishRate', 'publishes per second per room', 'number'),
  limit('room-publish-burst', 'roomPublishBurst', 'publishes a room may send at once'),
  limit('ip-publish-rate', 'ipPublishRate', 'publishes per second per client address', 'number'),
  limit('ip-publish-burst', 'ipPublishBurst', 'publishes a client address may send at once'),
  limit('max-queue', 'maxQueueBytes', 'bytes queued for a subscriber before it is dropped'),
  limit(
    'max-queue-total',
    'maxQueueTotalBytes',
    'bytes queued for all subscribers; past it the largest backlogs are dropped',
  ),
  limit('replay-ms', 'replayMs', 'how long events are kept for resuming streams'),
  limit('replay-events', 'replayEvents', 'how many events a room keeps for resuming'),
  limit('room-grace-ms', 'roomGraceMs', 'how long an empty room that carried a message is kept'),
  limit('max-bindings', 'maxBindings', 'device-to-key bindings kept after their room is gone'),
  limit('binding-ttl-ms', 'bindingTtlMs', 'how long a binding is kept after its room is gone'),
  limit('keepalive-ms', 'keepaliveMs', 'interval of keepalive comments on streams'),
];

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function parseValue(flag: Flag, text: string): CliConfig[keyof CliConfig] {
  if (flag.kind === 'string') return text;
  if (flag.kind === 'list') {
    return text
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  }
  const value = Number(text);
  const valid =
    text.trim() !== '' &&
    Number.isFinite(value) &&
    (flag.kind === 'port'
      ? Number.isInteger(value) && value >= 0 && value <= 65535
      : value > 0 && (flag.kind === 'number' || Number.isInteger(value)));
  if (!valid)
    throw new ConfigError(`--${flag.name} (${flag.env}) must be a ${flag.kind}, not "${text}"`);
  return value;
}

function shown(value: unknown): string {
  if (value === undefined) return 'none';
  return Array.isArray(value) ? value.join(',') || 'none' : String(value);
}

export function helpText(): string {
  const rows = [
    ['flag', 'env', 'default', ''],
    ...FLAGS.map((flag) => [`--${flag.name}`, flag.env, shown(DEFAULTS[flag.key]), flag.help]),
    ['--help', '', '', 'show this text'],
  ];
  const widths = [0, 1, 2].map((column) =>
    Math.max(...rows.map((row) => row[column]?.length ?? 0)),
  );
  const table = rows.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd(),
  );
  return [
    'Usage: node dist/relay.mjs [flags]',
    '',
    'The clipmesh relay: blind SSE signaling for clipmesh devices, and the app if --static is set.',
    '',
    ...table,
  ].join('\n');
}

/** Reads env, then flags (`--name value` or `--name=value`); undefined means --help was asked. */
export function parseConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): CliConfig | undefined {
  const config: CliConfig = { ...DEFAULTS };
  const assign = (flag: Flag, text: string) => {
    Object.assign(config, { [flag.key]: parseValue(flag, text) });
  };
  for (const flag of FLAGS) {
    const text = env[flag.env];
    if (text !== undefined && text !== '') assign(flag, text);
  }
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') return undefined;
    const [name = '', inline] = arg.startsWith('--') ? arg.slice(2).split(/=(.*)/s, 2) : [];
    const flag = FLAGS.find((candidate) => candidate.name === name);
    if (!flag) throw new ConfigError(`unknown argument "${arg}"; see --help`);
    const text = inline ?? argv[++i];
    if (text === undefined) throw new ConfigError(`--${flag.name} needs a value`);
    assign(flag, text);
  }
  try {
    trustedProxies(config.trustProxy);
  } catch (error) {
    throw new ConfigError(`--trust-proxy (CLIPMESH_TRUST_PROXY): ${(error as Error).message}`);
  }
  const badPeer = config.peers.find((url) => !isRelayUrl(url));
  if (badPeer !== undefined || config.peers.length > MAX_RELAYS) {
    throw new ConfigError(
      `--peers (CLIPMESH_PEERS): at most ${MAX_RELAYS} http(s) URLs, not "${badPeer ?? config.peers.length}"`,
    );
  }
  if ((config.cert === undefined) !== (config.key === undefined)) {
    throw new ConfigError('--cert and --key (CLIPMESH_CERT, CLIPMESH_KEY) go together');
  }
  const iceError = iceOptionsError(config);
  if (iceError) throw new ConfigError(iceError);
  return config;
}
