// The app's Store (app/core/storage.ts) on disk for the terminal: one JSON file per key in a
// folder only this user can read (it holds room secrets), written so a crash loses nothing
// half-way: each file is replaced whole, and a write of several keys goes through a journal.

import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Store } from '../app/core/storage';

const SUFFIX = '.json';
const JOURNAL = /^journal-(\d+)-[0-9a-f]+\.json$/;
const TEMPORARY = /\.(\d+)-[0-9a-f]+\.tmp$/;

interface Journal {
  puts: [string, unknown][];
  dels: string[];
}

export interface FileStore extends Store {
  /** Files read back that were not JSON, left alone and counted. */
  readonly unreadable: number;
  /** Resolves once every write issued so far is on disk. */
  idle(): Promise<void>;
}

/** Key to file name: letters, digits, `-` and `_` stay; anything else (`/`, `.`) is escaped. */
export function fileNameOf(key: string): string {
  const escaped = [...new TextEncoder().encode(key)]
    .map((byte) => {
      const char = String.fromCharCode(byte);
      return /[A-Za-z0-9_-]/.test(char) ? char : `%${byte.toString(16).padStart(2, '0')}`;
    })
    .join('');
  return `${escaped}${SUFFIX}`;
}

export function keyOfFileName(name: string): string | null {
  if (!name.endsWith(SUFFIX) || name.startsWith('journal-')) return null;
  try {
    return decodeURIComponent(name.slice(0, -SUFFIX.length));
  } catch {
    return null;
  }
}

export function fileStore(dir: string): FileStore {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let unreadable = 0;
  let seq = 0;
  // Writes run one after another; reads wait for the writes before them.
  let queue: Promise<unknown> = recover(dir);
  const serially = <T>(step: () => Promise<T>): Promise<T> => {
    const next = queue.then(step, step);
    queue = next.catch(() => undefined);
    return next;
  };

  const read = async (key: string): Promise<unknown> => {
    let text: string;
    try {
      text = await readFile(join(dir, fileNameOf(key)), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      unreadable += 1;
      return undefined;
    }
  };

  const write = async (puts: [string, unknown][], dels: string[]): Promise<void> => {
    if (puts.length + dels.length === 1) return apply(dir, { puts, dels });
    const journal = join(dir, `journal-${process.pid}-${(seq++).toString(16)}${SUFFIX}`);
    await replaceFile(journal, JSON.stringify({ puts, dels } satisfies Journal));
    await apply(dir, { puts, dels });
    await rm(journal, { force: true });
  };

  return {
    get unreadable() {
      return unreadable;
    },
    idle: () => serially(async () => undefined),
    get: <T>(key: string) => serially(() => read(key)) as Promise<T | undefined>,
    getMany: (keys) => serially(() => Promise.all(keys.map(read))),
    set: (key, value) => serially(() => write([[key, value]], [])),
    del: (key) => serially(() => write([], [key])),
    write: (puts, dels) => serially(() => write(puts, dels)),
    keys: () =>
      serially(async () =>
        (await readdir(dir)).flatMap((name) => {
          const key = keyOfFileName(name);
          return key === null ? [] : [key];
        }),
      ),
  };
}

async function apply(dir: string, { puts, dels }: Journal): Promise<void> {
  for (const [key, value] of puts) {
    // JSON has no undefined: a key set to it reads back as missing, as it is here.
    if (value === undefined) await rm(join(dir, fileNameOf(key)), { force: true });
    else await replaceFile(join(dir, fileNameOf(key)), JSON.stringify(value));
  }
  for (const key of dels) await rm(join(dir, fileNameOf(key)), { force: true });
}

/** Written beside, then renamed over: a reader sees the old file or the new, never half. */
async function replaceFile(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, text, { mode: 0o600 });
  await rename(temporary, path);
}

/** Finishes the writes of processes that died half-way through one; drops torn leftovers. */
async function recover(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    const writer = TEMPORARY.exec(name)?.[1];
    if (writer !== undefined && !alive(Number(writer))) await rm(join(dir, name), { force: true });
    const pid = JOURNAL.exec(name)?.[1];
    if (pid === undefined || alive(Number(pid))) continue;
    const journal = await readJournal(join(dir, name));
    if (journal) await apply(dir, journal);
    await rm(join(dir, name), { force: true });
  }
}

async function readJournal(path: string): Promise<Journal | null> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<Journal>;
    const puts = Array.isArray(parsed.puts) ? parsed.puts : null;
    const dels = Array.isArray(parsed.dels) ? parsed.dels : null;
    if (!puts || !dels) return null;
    const okPut = (put: unknown) => Array.isArray(put) && typeof put[0] === 'string';
    if (!puts.every(okPut) || !dels.every((key) => typeof key === 'string')) return null;
    return { puts, dels };
  } catch {
    // A journal torn while it was written: none of its writes had started.
    return null;
  }
}

function alive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
