// Reading objects that came from outside (JSON off the network or the disk), one shape at a time.

export type Fields = Record<string, unknown>;

/** A plain object: not null, not an array. */
export function isRecord(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Own properties only: nothing inherited, so `__proto__` tricks find nothing. */
export function field(record: Fields, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
