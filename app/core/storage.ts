// The small async key-value seam under everything this device remembers.

import { createStore, del, get, keys, set, type UseStore } from 'idb-keyval';

export interface Store {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  del(key: string): Promise<void>;
  keys?(): Promise<string[]>;
}

/** IndexedDB: a database of this name with one object store. */
export function idbStore(name: string): Store {
  const db: UseStore = createStore(name, 'kv');
  return {
    get: <T>(key: string) => get<T>(key, db),
    set: (key, value) => set(key, value, db),
    del: (key) => del(key, db),
    keys: async () => (await keys(db)).map(String),
  };
}

/** In memory, copying values in and out as IndexedDB does, so tests catch shared mutation. */
export function memoryStore(): Store {
  const values = new Map<string, unknown>();
  return {
    get: async <T>(key: string) =>
      values.has(key) ? (structuredClone(values.get(key)) as T) : undefined,
    set: async (key, value) => {
      values.set(key, structuredClone(value));
    },
    del: async (key) => {
      values.delete(key);
    },
    keys: async () => [...values.keys()],
  };
}
