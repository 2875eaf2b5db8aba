import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { build } from 'esbuild';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type TestRedis } from '../scripts/redis-process.mjs';
import { relayBuildOptions } from '../scripts/relay-build.mjs';
import { launchRelay } from '../scripts/relay-process.mjs';
import { closeAll, deviceId, deviceKey, join, roomId, startRelay, subscribe } from './harness';

let bundle = '';
const cleanups: (() => Promise<unknown> | unknown)[] = [];

beforeAll(async () => {
  bundle = joinPath(mkdtempSync(joinPath(tmpdir(), 'clipmesh-relay-')), 'relay.mjs');
  await build({ ...relayBuildOptions(bundle), logLevel: 'silent' });
});
afterEach(async () => {
  await closeAll();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function redisServer(): Promise<TestRedis> {
  const redis = await startRedis();
  cleanups.push(() => redis.stop());
  return redis;
}

async function builtRelay(redis: TestRedis, presenceTtlMs: number) {
  const flags = ['--redis', redis.url, '--presence-ttl-ms', String(presenceTtlMs)];
  const relay = await launchRelay({
    bundle,
    args: ['--port', '0', '--host', '127.0.0.1', ...flags],
  });
  const child: ChildProcess = relay.child;
  cleanups.push(() => child.kill('SIGKILL'));
  return relay;
}

async function health(url: string) {
  const response = await fetch(`${url}/healthz`);
  const json = (await response.json()) as { ok: boolean; cluster?: { instances: number } };
  return { status: response.status, json };
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return Date.now() - start;
}

describe('a relay instance that dies', () => {
  it('its devices leave for the others within the presence ttl after SIGKILL', async () => {
    const redis = await redisServer();
    const one = await builtRelay(redis, 1500);
    const two = await builtRelay(redis, 1500);
    const room = roomId();
    const a = await join(one.url, room);
    const b = await join(two.url, room);
    await a.stream.next('join');
    const killed = Date.now();
    one.child.kill('SIGKILL');
    expect((await b.stream.next('leave', 10_000)).json).toEqual({ device: a.device });
    // The ttl plus one renewal interval: well inside the 30 s bound.
    expect(Date.now() - killed).toBeLessThan(1500 + 500 + 1000);
    const c = await subscribe(two.url, room, deviceId(), deviceKey());
    expect((await c.next<{ devices: string[] }>('members')).json.devices).toEqual([b.device]);
  });

  it('counts the live instances in /metrics and /healthz', async () => {
    const redis = await redisServer();
    const one = await builtRelay(redis, 1500);
    await builtRelay(redis, 1500);
    await until(async () => (await health(one.url)).json.cluster?.instances === 2, 3000);
    const metrics = await (await fetch(`${one.url}/metrics`)).text();
    expect(metrics).toContain('clipmesh_relay_cluster_connected 1');
    expect(metrics).toContain('clipmesh_relay_cluster_instances 2');
  });
});

describe('a relay that loses redis', () => {
  it('ends its streams, says so in /healthz and its log, and recovers by itself', async () => {
    const redis = await redisServer();
    const { url, logs } = await startRelay({ redis: redis.url, presenceTtlMs: 1500 });
    expect(await health(url)).toMatchObject({ status: 200, json: { ok: true } });
    const a = await join(url, roomId());
    await redis.kill();
    await a.stream.whenEnded(3000);
    const down = await health(url);
    expect(down.status).toBe(503);
    expect(down.json).toMatchObject({ ok: false, cluster: { connected: false } });
    expect(logs.some((entry) => entry.msg === 'lost redis' && entry.level === 'error')).toBe(true);
    const refused = await subscribe(url, roomId(), deviceId(), deviceKey());
    expect(refused.status).toBe(503);
    expect(JSON.parse(refused.body).code).toBe('cluster_unavailable');
    await redis.restart();
    await until(async () => (await health(url)).status === 200, 5000);
    const again = await join(url, roomId());
    expect(again.stream.status).toBe(200);
  });
});
