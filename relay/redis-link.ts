// The relay's two connections to Redis (commands, and a subscriber for room channels), their
// health, and Lua scripts run by digest. node-redis reconnects by itself and subscribes again.
import { createHash } from 'node:crypto';
import { createClient } from '@redis/client';
import type { Logger } from './log';
import { RelayError } from './reply';

export interface Script {
  text: string;
  sha: string;
}

export const script = (text: string): Script => ({
  text,
  sha: createHash('sha1').update(text).digest('hex'),
});

export interface RedisLinkOptions {
  url: string;
  log: Logger;
  /** Called when either connection is lost, before node-redis tries again. */
  onDown(): void;
  onUp(): void;
}

/** What a request that needs Redis gets while it is away. */
export const unavailable = (): RelayError =>
  new RelayError(503, 'cluster_unavailable', 'relay cannot reach its shared room store');

const FIRST_CONNECT_WAIT_MS = 3000;
const retryDelay = (retries: number): number => Math.min(100 * 2 ** retries, 2000);

/** Runs a script by digest, sending its text only when Redis does not know it yet. */
async function runScript(
  send: (args: string[]) => Promise<unknown>,
  what: Script,
  keys: string[],
  args: string[],
): Promise<unknown> {
  const tail = [String(keys.length), ...keys, ...args];
  try {
    return await send(['EVALSHA', what.sha, ...tail]);
  } catch (error) {
    if (!String(error).includes('NOSCRIPT')) throw error;
    return send(['EVAL', what.text, ...tail]);
  }
}

/** Resolves once `promise` settles, either way, or after `ms`, whichever comes first. */
async function settledWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const wait = new Promise((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  await Promise.race([
    promise.then(
      () => undefined,
      () => undefined,
    ),
    wait,
  ]);
  clearTimeout(timer);
}

export function createRedisLink({ url, log, onDown, onUp }: RedisLinkOptions) {
  // Without a queue, commands fail at once while Redis is away, so the relay answers 503.
  const options = { url, disableOfflineQueue: true, socket: { reconnectStrategy: retryDelay } };
  const commands = createClient(options);
  const subscriber = commands.duplicate();
  let up = false;
  let closed = false;
  let disconnects = 0;

  const ready = () => commands.isReady && subscriber.isReady;
  function down(why: string): void {
    if (!up || closed) return;
    up = false;
    disconnects += 1;
    log({ level: 'error', msg: 'lost redis', error: why });
    onDown();
  }
  for (const client of [commands, subscriber]) {
    client.on('error', (error: Error) => down(error.message));
    client.on('reconnecting', () => down('reconnecting'));
    client.on('end', () => down('connection ended'));
    client.on('ready', () => {
      if (up || !ready() || closed) return;
      up = true;
      log({ msg: 'connected to redis' });
      onUp();
    });
  }

  return {
    get connected(): boolean {
      return up && ready();
    },
    get disconnects(): number {
      return disconnects;
    },
    run: (what: Script, keys: string[], args: string[]) =>
      runScript((command) => commands.sendCommand(command), what, keys, args),
    subscribe: (channel: string, listener: (message: string, channel: string) => void) =>
      subscriber.subscribe(channel, listener),
    unsubscribe: (channel: string) => subscriber.unsubscribe(channel),

    /** Waits a little for the first connection; node-redis goes on trying after that. */
    async start(): Promise<void> {
      const connecting = Promise.all([commands.connect(), subscriber.connect()]);
      connecting.catch((error: unknown) => {
        if (!closed) log({ level: 'error', msg: 'cannot connect to redis', error: String(error) });
      });
      await settledWithin(connecting, FIRST_CONNECT_WAIT_MS);
      if (!ready()) log({ level: 'error', msg: 'redis is not reachable yet; retrying' });
    },

    async close(): Promise<void> {
      closed = true;
      for (const client of [subscriber, commands]) {
        if (client.isOpen) client.destroy();
      }
    },
  };
}

export type RedisLink = ReturnType<typeof createRedisLink>;
