// Core state arrives as Stores; the ui reads signals. This is the bridge.

import type { Signal } from '@preact/signals';
import type { Store } from '../../core/store';

/** Keeps `target` equal to the store's value until the returned stop function is called. */
export function mirrorStore<T>(store: Store<T>, target: Signal<T>): () => void {
  target.value = store.get();
  return store.subscribe((value) => {
    target.value = value;
  });
}
