import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WakeReason } from '../../core/transport/relay-stream';
import { pageLeaving, pageWake } from './wake';

afterEach(() => vi.unstubAllGlobals());

/** A window and a document as event targets, the page hidden or shown by hand. */
function page() {
  const window = new EventTarget();
  const document = Object.assign(new EventTarget(), { visibilityState: 'hidden' });
  vi.stubGlobal('addEventListener', window.addEventListener.bind(window));
  vi.stubGlobal('removeEventListener', window.removeEventListener.bind(window));
  vi.stubGlobal('document', document);
  return { window, document };
}

describe('what wakes a waiting relay stream in a page', () => {
  it('tells of the network back, a touch, a key, and the page shown, never the page hidden', () => {
    const { window, document } = page();
    const reasons: WakeReason[] = [];
    const stop = pageWake((reason) => reasons.push(reason));
    window.dispatchEvent(new Event('online'));
    window.dispatchEvent(new Event('pointerdown'));
    window.dispatchEvent(new Event('keydown'));
    document.dispatchEvent(new Event('visibilitychange'));
    document.visibilityState = 'visible';
    document.dispatchEvent(new Event('visibilitychange'));
    expect(reasons).toEqual(['online', 'person', 'person', 'person']);
    stop();
    window.dispatchEvent(new Event('online'));
    window.dispatchEvent(new Event('keydown'));
    document.dispatchEvent(new Event('visibilitychange'));
    expect(reasons).toHaveLength(4);
  });
});

describe('what tells that a page may be going', () => {
  it('is the page hidden to close or go into the cache, until stopped', () => {
    const { window, document } = page();
    let told = 0;
    const stop = pageLeaving(() => told++);
    document.dispatchEvent(new Event('visibilitychange'));
    window.dispatchEvent(new Event('pagehide'));
    expect(told).toBe(1);
    stop();
    window.dispatchEvent(new Event('pagehide'));
    expect(told).toBe(1);
  });
});
