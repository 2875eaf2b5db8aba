import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { roomCode } from '../app/core/link';
import { rememberRoom, saveSettings } from '../app/core/persist';
import { DEFAULT_TIMEOUT_S, type Options } from './args';
import { fileStore } from './file-store';
import { relayFor, UsageError } from './room';

const secret = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
const options: Options = { timeoutMs: DEFAULT_TIMEOUT_S * 1000 };

describe('relayFor', () => {
  const dirs: string[] = [];
  const store = () => {
    const dir = mkdtempSync(join(tmpdir(), 'clipmesh-relay-'));
    dirs.push(dir);
    return fileStore(dir);
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('takes --relay first, then the link’s relay', async () => {
    const linked = { secret, relayUrl: 'https://from.link' };
    expect(await relayFor(linked, { ...options, relayUrl: 'https://flag' }, store())).toBe(
      'https://flag',
    );
    expect(await relayFor(linked, options, store())).toBe('https://from.link');
  });

  it('finds the relay a bare code was last used with, then the saved setting', async () => {
    const known = store();
    await saveSettings({ autoCopy: false, relayUrl: 'https://setting' }, known);
    expect(await relayFor({ secret }, options, known)).toBe('https://setting');
    await rememberRoom({ code: roomCode(secret), relayUrl: 'https://remembered' }, known);
    expect(await relayFor({ secret }, options, known)).toBe('https://remembered');
  });

  it('asks for the whole link or --relay when a bare code names no relay it knows', async () => {
    await expect(relayFor({ secret }, options, store())).rejects.toThrow(UsageError);
    await expect(relayFor({ secret }, options, store())).rejects.toThrow(/add --relay URL/);
  });
});
