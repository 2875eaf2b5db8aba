import { signal } from '@preact/signals';
import { describe, expect, it } from 'vitest';
import { createStore } from '../../core/store';
import { mirrorStore } from './use-store';

describe('mirrorStore', () => {
  it('copies the current value and every change into the signal', () => {
    const store = createStore(1);
    const target = signal(0);
    mirrorStore(store, target);
    expect(target.value).toBe(1);
    store.set(2);
    expect(target.value).toBe(2);
  });

  it('stops following the store once stopped', () => {
    const store = createStore('a');
    const target = signal('');
    const stop = mirrorStore(store, target);
    stop();
    store.set('b');
    expect(target.value).toBe('a');
  });
});
