// A value that can be watched. The core exposes its state through these; the ui
// turns them into signals. Kept tiny so the core needs no framework.

export interface Store<T> {
  get(): T;
  subscribe(listener: (value: T) => void): () => void;
}

export interface WritableStore<T> extends Store<T> {
  set(value: T): void;
  update(change: (value: T) => T): void;
}

export function createStore<T>(initial: T): WritableStore<T> {
  let value = initial;
  const listeners = new Set<(value: T) => void>();
  const set = (next: T): void => {
    if (Object.is(next, value)) return;
    value = next;
    for (const listener of listeners) listener(value);
  };
  return {
    get: () => value,
    set,
    update: (change) => set(change(value)),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
