import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { claimSlot, homeDir } from './home';

describe('homeDir', () => {
  it('takes CLIPMESH_HOME first, then XDG_CONFIG_HOME, then ~/.config', () => {
    expect(homeDir({ CLIPMESH_HOME: '/t/h', XDG_CONFIG_HOME: '/x' }, 'linux', '/home/u')).toBe(
      '/t/h',
    );
    expect(homeDir({ XDG_CONFIG_HOME: '/x/conf' }, 'linux', '/home/u')).toBe('/x/conf/clipmesh');
    expect(homeDir({}, 'linux', '/home/u')).toBe('/home/u/.config/clipmesh');
    // The XDG spec ignores a relative path.
    expect(homeDir({ XDG_CONFIG_HOME: 'rel' }, 'linux', '/home/u')).toBe(
      '/home/u/.config/clipmesh',
    );
    expect(homeDir({}, 'darwin', '/Users/u')).toBe('/Users/u/Library/Application Support/clipmesh');
  });
});

describe('claimSlot', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('gives each running process its own slot, and frees a slot its holder left', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clipmesh-slot-'));
    dirs.push(dir);
    // Slot 0 is held by a live process (this test's parent), slot 1 by one that is gone.
    writeFileSync(join(dir, 'slot-0.pid'), String(process.ppid));
    writeFileSync(join(dir, 'slot-1.pid'), '99999999');
    const first = claimSlot(dir);
    expect(first.slot).toBe(1);
    const second = claimSlot(dir);
    expect(second.slot).toBe(2);
    first.release();
    expect(claimSlot(dir).slot).toBe(1);
    second.release();
  });
});
