// The desktop clipboard through the tool each desktop ships: wl-clipboard on Wayland, xclip
// or xsel on X11, pbcopy/pbpaste on macOS, clip and PowerShell on Windows. Wayland tells us
// when the clipboard changes; the others are read again every POLL_MS.

import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * Each look costs one short process (a few ms of CPU), so once a second keeps an idle
 * `sync` well under 1% of a core, and a copy reaches the other devices before a person has
 * turned to one of them.
 */
export const POLL_MS = 1_000;
/** A clipboard tool that hangs (a desktop that stopped answering) is given up on. */
const TOOL_TIMEOUT_MS = 5_000;
/** Far above any clip (16 Mi characters of at most 3 bytes each). */
const MAX_READ_BYTES = 64 * 1024 * 1024;

export interface Clipboard {
  /** The tool, as a person would look it up: "wl-clipboard", "xclip"… */
  readonly tool: string;
  /** How changes are noticed, in words. */
  readonly noticing: string;
  /** The text on the clipboard; null when it holds none (empty, an image, or the tool failed). */
  read(): Promise<string | null>;
  write(text: string): Promise<void>;
  /** Calls back whenever the clipboard may have changed; returns the way to stop. */
  watch(onChange: () => void): () => void;
}

interface Env {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
}

/** The clipboard this desktop offers, or what to install. */
export function findClipboard({ env, platform }: Env = process): Clipboard | { missing: string } {
  const has = (name: string) => onPath(name, env, platform);
  if (platform === 'darwin') return polled('pbcopy/pbpaste', ['pbpaste'], ['pbcopy'], env);
  if (platform === 'win32') return windowsClipboard(env);
  if (env.WAYLAND_DISPLAY && has('wl-paste') && has('wl-copy')) return wayland(env);
  if (env.DISPLAY && has('xclip')) {
    const selection = ['-selection', 'clipboard'];
    return polled('xclip', ['xclip', ...selection, '-o'], ['xclip', ...selection, '-i'], env);
  }
  if (env.DISPLAY && has('xsel')) {
    return polled(
      'xsel',
      ['xsel', '--clipboard', '--output'],
      ['xsel', '--clipboard', '--input'],
      env,
    );
  }
  if (!env.WAYLAND_DISPLAY && !env.DISPLAY) {
    return {
      missing:
        'No desktop session found (neither WAYLAND_DISPLAY nor DISPLAY is set), so there is no clipboard to sync. Run it inside your desktop session.',
    };
  }
  const wanted = env.WAYLAND_DISPLAY
    ? 'wl-clipboard (it gives wl-copy and wl-paste), e.g. `sudo apt install wl-clipboard`'
    : 'xclip or xsel, e.g. `sudo apt install xclip`';
  return { missing: `No clipboard tool found. Install ${wanted}.` };
}

function wayland(env: NodeJS.ProcessEnv): Clipboard {
  return {
    tool: 'wl-clipboard',
    noticing: 'told of each change by `wl-paste --watch`',
    read: () => readTool(['wl-paste', '--no-newline', '--type', 'text'], env),
    write: (text) => writeTool(['wl-copy', '--type', 'text/plain;charset=utf-8'], text, env),
    watch(onChange) {
      // `echo` ignores the clip on its standard input: one line out per change.
      return watchLines(['wl-paste', '--watch', 'echo'], env, onChange);
    },
  };
}

function polled(
  tool: string,
  reader: string[],
  writer: string[],
  env: NodeJS.ProcessEnv,
): Clipboard {
  return {
    tool,
    noticing: `read again every ${POLL_MS / 1000} s (${tool} cannot tell when it changes)`,
    read: () => readTool(reader, env),
    write: (text) => writeTool(writer, text, env),
    watch(onChange) {
      const timer = setInterval(onChange, POLL_MS);
      return () => clearInterval(timer);
    },
  };
}

function windowsClipboard(env: NodeJS.ProcessEnv): Clipboard {
  const powershell = ['powershell.exe', '-NoProfile', '-NonInteractive', '-Command'];
  const utf8 = '[Console]::OutputEncoding = [Text.Encoding]::UTF8';
  return {
    ...polled('clip and PowerShell', [], [], env),
    read: () => readTool([...powershell, `${utf8}; Get-Clipboard -Raw`], env, true),
    // clip.exe reads UTF-16 when the text starts with its byte order mark.
    write: (text) => writeTool(['clip.exe'], `\ufeff${text}`, env, 'utf16le'),
  };
}

function readTool(command: string[], env: NodeJS.ProcessEnv, crlf = false): Promise<string | null> {
  const [file, ...args] = command as [string, ...string[]];
  return new Promise((resolve) => {
    const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => child.kill('SIGKILL'), TOOL_TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_READ_BYTES) child.kill('SIGKILL');
      else chunks.push(chunk);
    });
    child.on('error', () => {
      clearTimeout(timer);
      resolve(null);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0 || size > MAX_READ_BYTES) return resolve(null);
      const text = Buffer.concat(chunks).toString('utf8');
      // PowerShell ends what it prints with a line break of its own.
      resolve(crlf ? text.replace(/\r?\n$/, '') : text);
    });
  });
}

function writeTool(
  command: string[],
  text: string,
  env: NodeJS.ProcessEnv,
  encoding: BufferEncoding = 'utf8',
): Promise<void> {
  const [file, ...args] = command as [string, ...string[]];
  return new Promise((resolve, reject) => {
    // Its output is not kept: wl-copy and xclip leave a process behind that serves the
    // clipboard, and that would hold our end of an output pipe open.
    const child = spawn(file, args, { env, stdio: ['pipe', 'ignore', 'ignore'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), TOOL_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`${file} could not be started: ${error.message}`));
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${file} failed (${signal ?? `exit code ${code}`})`));
    });
    child.stdin.on('error', () => {
      // The exit code says whether it took the text.
    });
    child.stdin.end(Buffer.from(text, encoding));
  });
}

function watchLines(command: string[], env: NodeJS.ProcessEnv, onLine: () => void): () => void {
  const [file, ...args] = command as [string, ...string[]];
  let stopped = false;
  let child: ChildProcess | undefined;
  let restarts = 0;
  const start = (): void => {
    const watcher = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'ignore'] });
    child = watcher;
    watcher.stdout?.on('data', (chunk: Buffer) => {
      for (const byte of chunk) if (byte === 10) onLine();
    });
    let ended = false;
    // Gone (the compositor restarted, say) or never started: watch again, slower each time.
    const again = (): void => {
      if (ended || stopped) return;
      ended = true;
      const delay = Math.min(30_000, 1_000 * 2 ** restarts++);
      setTimeout(() => {
        if (!stopped) start();
      }, delay);
    };
    watcher.on('error', again);
    watcher.on('exit', again);
  };
  start();
  return () => {
    stopped = true;
    child?.kill();
  };
}

export function onPath(name: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): boolean {
  const suffixes = platform === 'win32' ? ['.exe', '.cmd', ''] : [''];
  for (const folder of (env.PATH ?? '').split(delimiter)) {
    if (!folder) continue;
    for (const suffix of suffixes) {
      try {
        accessSync(join(folder, name + suffix), constants.X_OK);
        return true;
      } catch {
        // Not in this folder.
      }
    }
  }
  return false;
}
