import type { ChildProcess } from 'node:child_process';

export declare const REPO_ROOT: string;
export declare const RELAY_BUNDLE: string;

export interface Listening {
  url: string;
  address: string;
  port: number;
}

export declare function parseListening(line: string): Listening | undefined;

export interface LaunchOptions {
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /** The repository root by default. */
  cwd?: string;
  /** The relay bundle to run; dist/relay.mjs by default. */
  bundle?: string;
  /** Raises the child's open-file limit (through `sh -c ulimit`). */
  fdLimit?: number;
  timeoutMs?: number;
  /** 'inherit' passes the relay's stderr straight through. */
  stderr?: 'pipe' | 'inherit';
  /** Each stdout line, as it comes. */
  onLine?(line: string): void;
  /** All output, stdout and stderr, as it comes. */
  onOutput?(text: string): void;
}

export declare function launchRelay(
  options?: LaunchOptions,
): Promise<Listening & { child: ChildProcess }>;
