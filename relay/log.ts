// One JSON object per line on stdout. Callers pass only ids and counts: never payloads or keys.

export interface LogEntry {
  msg: string;
  level?: 'info' | 'warn' | 'error';
  [field: string]: unknown;
}

export type Logger = (entry: LogEntry) => void;

export const jsonLogger: Logger = (entry) => {
  process.stdout.write(
    `${JSON.stringify({ time: new Date().toISOString(), level: 'info', ...entry })}\n`,
  );
};

/** Room ids derive from the room secret, so logs carry only a prefix. */
export const shortId = (id: string): string => id.slice(0, 6);
