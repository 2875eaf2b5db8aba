// The small async key-value seam under everything this device remembers.

import {
  createStore,
  del,
  get,
  getMany,
  keys,
  promisifyRequest,
  set,
  type UseStore,
} from 'idb-keyval';

export interface Store {
  get<T>(key: string): Promise<T | undefined>;
  getMany(keys: string[]): Promise<unknown[]>;
  set(key: string, value: unknown): Promise<void>;
  del(key: string): Promise<void>;
  /** Puts and deletes in one transaction: all of them happen, or none. */
  write(puts: [string, unknown][], dels: string[]): Promise<void>;
  keys(): Promise<string[]>;
}

let shared: Store | undefined;
/** The app's own IndexedDB store, opened on first use; tests pass a store instead. */
export function appStore(): Store {
  shared ??= idbStore('clipmesh');
  return shared;
}

/** IndexedDB: a database of this name with one object store. */
export function idbStore(name: string): Store {
  const db: UseStore = createStore(name, 'kv');
  return {
    get: <T>(key: string) => get<T>(key, db),
    getMany: (keys) => getMany(keys, db),
    set: (key, value) => set(key, value, db),
    del: (key) => del(key, db),
    write: (puts, dels) =>
      db('readwrite', (store) => {
        for (const [key, value] of puts) store.put(value, key);
        for (const key of dels) store.delete(key);
        return promisifyRequest(store.transaction);
      }),
    keys: async () => (await keys(db)).map(String),
  };
}

/** In memory, copying values in and out as IndexedDB does, so tests catch shared mutation. */
export function memoryStore(): Store {
  const values = new Map<string, unknown>();
  const copyOut = (key: string) => (values.has(key) ? structuredClone(values.get(key)) : undefined);
  return {
    get: async <T>(key: string) => copyOut(key) as T | undefined,
    getMany: async (keys) => keys.map(copyOut),
    set: async (key, value) => {
      values.set(key, structuredClone(value));
    },
    del: async (key) => {
      values.delete(key);
    },
    write: async (puts, dels) => {
      const copies = puts.map(([key, value]) => [key, structuredClone(value)] as const);
      for (const [key, value] of copies) values.set(key, value);
      for (const key of dels) values.delete(key);
    },
    keys: async () => [...values.keys()],
  };
}
