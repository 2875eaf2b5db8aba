import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Clipboard, findClipboard } from './clipboard';

const FAKES = join(import.meta.dirname, '../e2e/fixtures/fake-clipboard');
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function fakeDesktop(display: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'clipmesh-clipboard-'));
  dirs.push(dir);
  const env = { PATH: `${FAKES}:/usr/bin:/bin`, FAKE_CLIPBOARD_DIR: dir, ...display };
  return { dir, env };
}

function found(result: Clipboard | { missing: string }): Clipboard {
  if ('missing' in result) throw new Error(result.missing);
  return result;
}

describe('findClipboard', () => {
  it('picks the tool of the desktop session', () => {
    const wayland = fakeDesktop({ WAYLAND_DISPLAY: 'wayland-0', DISPLAY: ':0' });
    expect(found(findClipboard({ env: wayland.env, platform: 'linux' })).tool).toBe('wl-clipboard');
    const x11 = fakeDesktop({ DISPLAY: ':0' });
    expect(found(findClipboard({ env: x11.env, platform: 'linux' })).tool).toBe('xclip');
    expect(found(findClipboard({ env: {}, platform: 'darwin' })).tool).toBe('pbcopy/pbpaste');
  });

  it('says what to install when no tool is there', () => {
    const bare = { PATH: '/nonexistent' };
    expect(findClipboard({ env: { ...bare, WAYLAND_DISPLAY: 'w' }, platform: 'linux' })).toEqual({
      missing: expect.stringMatching(/Install wl-clipboard/),
    });
    expect(findClipboard({ env: { ...bare, DISPLAY: ':0' }, platform: 'linux' })).toEqual({
      missing: expect.stringMatching(/Install xclip or xsel/),
    });
    expect(findClipboard({ env: bare, platform: 'linux' })).toEqual({
      missing: expect.stringMatching(/No desktop session found/),
    });
  });
});

describe('a clipboard tool', () => {
  it.each([
    ['xclip', { DISPLAY: ':0' }],
    ['wl-clipboard', { WAYLAND_DISPLAY: 'wayland-0' }],
  ])('%s reads and writes text, untouched', async (_, display) => {
    const { dir, env } = fakeDesktop(display);
    const clipboard = found(findClipboard({ env, platform: 'linux' }));
    expect(await clipboard.read()).toBeNull();
    const text = 'two\nlines 📋 with "quotes"\n';
    await clipboard.write(text);
    expect(await clipboard.read()).toBe(text);
    expect(readFileSync(join(dir, 'given.log'), 'utf8')).toBe(`${text}\n--clip-end--\n`);
  });

  it('wl-clipboard is told of each change by wl-paste --watch, with no polling', async () => {
    const { dir, env } = fakeDesktop({ WAYLAND_DISPLAY: 'wayland-0' });
    execFileSync('mkfifo', [join(dir, 'changes.fifo')]);
    const clipboard = found(findClipboard({ env, platform: 'linux' }));
    let changes = 0;
    const stop = clipboard.watch(() => {
      changes += 1;
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      expect(changes).toBe(0);
      writeFileSync(join(dir, 'changes.fifo'), 'copied\n');
      await expect.poll(() => changes).toBe(1);
    } finally {
      stop();
    }
  });
});
