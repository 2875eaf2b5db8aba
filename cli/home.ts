// Where the terminal device keeps its identity, rooms and clips, and which identity slot
// this process holds: two commands running at once are two devices, as two tabs are.

import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const MAX_SLOTS = 8;

/** CLIPMESH_HOME, else the user's config folder: XDG on Linux, the usual places elsewhere. */
export function homeDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home = homedir(),
): string {
  if (env.CLIPMESH_HOME) return env.CLIPMESH_HOME;
  if (platform === 'win32' && env.APPDATA) return join(env.APPDATA, 'clipmesh');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'clipmesh');
  const config = env.XDG_CONFIG_HOME?.startsWith('/') ? env.XDG_CONFIG_HOME : join(home, '.config');
  return join(config, 'clipmesh');
}

export interface Slot {
  readonly slot: number;
  release(): void;
}

/**
 * The lowest identity slot no live process holds, marked by a file with this process's id.
 * Slot 0 is the device's first identity; with every slot busy, slot 0 is shared and the
 * relay hands the room to the newest.
 */
export function claimSlot(dir: string): Slot {
  for (let slot = 0; slot < MAX_SLOTS; slot++) {
    const path = join(dir, `slot-${slot}.pid`);
    if (!takeFile(path)) continue;
    let released = false;
    return {
      slot,
      release() {
        if (released) return;
        released = true;
        rmSync(path, { force: true });
      },
    };
  }
  return { slot: 0, release() {} };
}

function takeFile(path: string): boolean {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (holderAlive(path)) return false;
    // Its process is gone: the slot is free.
    rmSync(path, { force: true });
  }
  return false;
}

function holderAlive(path: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(path, 'utf8'));
  } catch {
    return false;
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
