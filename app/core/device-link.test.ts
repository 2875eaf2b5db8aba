import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { linkUnderTest } from './device-link.fixture';

const OFFER = { type: 'offer', sdp: 'v=0 offer' } as const;

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

/** A listed, proven link whose first connection is open. */
function directLink() {
  const test = linkUnderTest();
  test.link.prove();
  test.link.listed();
  test.latest().report('open');
  expect(test.link.state).toBe('direct');
  return test;
}

describe('a link to one device', () => {
  it('starts idle, and the device with the smaller id offers at once when it is listed', () => {
    const { link, made } = linkUnderTest();
    expect(link.state).toBe('idle');
    link.listed();
    expect(link.state).toBe('signaling');
    expect(made).toHaveLength(1);
  });

  it('waits its turn as the device with the larger id, and then offers itself', () => {
    const { link, made } = linkUnderTest({ initiator: false });
    link.listed();
    expect(link.state).toBe('idle');
    vi.advanceTimersByTime(1_999);
    expect(made).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(made).toHaveLength(1);
    expect(link.state).toBe('signaling');
  });

  it('answers an offer that comes while it waits its turn, with one connection', async () => {
    const { link, made } = linkUnderTest({ initiator: false });
    link.listed();
    await link.description(OFFER);
    expect(link.state).toBe('signaling');
    expect(made[0]?.applied).toEqual([OFFER]);
    vi.advanceTimersByTime(10_000);
    expect(made).toHaveLength(1);
  });

  it('goes direct when its connection opens, proving the device and reporting it reachable', () => {
    const { link, latest, reached } = linkUnderTest();
    link.listed();
    latest().report('open');
    expect(link.state).toBe('direct');
    expect(link.verified).toBe(true);
    expect(link.reachable).toBe(true);
    expect(link.direct).toBe(latest());
    expect(reached).toEqual([true]);
    expect(link.view()).toMatchObject({ state: 'direct' });
  });

  it('is relayed after the fallback wait with no direct path, from signaling or idle', () => {
    const signaling = linkUnderTest();
    signaling.link.prove();
    signaling.link.listed();
    vi.advanceTimersByTime(2_999);
    expect(signaling.link.state).toBe('signaling');
    vi.advanceTimersByTime(1);
    expect(signaling.link.state).toBe('relayed');
    expect(signaling.reached).toEqual([false]);
    expect(signaling.link.view()).toMatchObject({ state: 'relay', path: 'relay' });
    expect(signaling.link.direct).toBeUndefined();

    const idle = linkUnderTest({ initiator: false, fallbackAfterMs: 500 });
    idle.link.prove();
    idle.link.listed();
    vi.advanceTimersByTime(500);
    expect(idle.link.state).toBe('relayed');
    expect(idle.made).toHaveLength(0);
  });

  it('is never relayed for a device that has not proved itself, or that the relay does not list', () => {
    const unproven = linkUnderTest();
    unproven.link.listed();
    vi.advanceTimersByTime(60_000);
    expect(unproven.link.state).toBe('signaling');
    expect(unproven.link.reachable).toBe(false);

    const unlisted = linkUnderTest();
    unlisted.link.heard();
    unlisted.link.prove();
    vi.advanceTimersByTime(60_000);
    expect(unlisted.link.state).toBe('signaling');
    expect(unlisted.reached).toEqual([]);
  });

  it('counts the fallback wait from when the relay lists the device', () => {
    const { link } = linkUnderTest();
    link.heard();
    link.prove();
    vi.advanceTimersByTime(10_000);
    link.listed();
    vi.advanceTimersByTime(2_999);
    expect(link.state).toBe('signaling');
    vi.advanceTimersByTime(1);
    expect(link.state).toBe('relayed');
  });

  it('goes from relayed back to direct when a connection opens', () => {
    const { link, latest, reached } = linkUnderTest();
    link.prove();
    link.listed();
    vi.advanceTimersByTime(3_000);
    latest().report('open');
    expect(link.state).toBe('direct');
    expect(reached).toEqual([false, true]);
  });

  it('is relayed while a failed connection restarts, and direct again once it recovers', () => {
    const { link, latest, made, reached } = directLink();
    latest().report('failed');
    expect(link.state).toBe('relayed');
    expect(link.direct).toBeUndefined();
    expect(made[0]?.closed).toBe(false);
    latest().report('open');
    expect(link.state).toBe('direct');
    expect(reached).toEqual([true, false, true]);
  });

  it('is relayed when its connection closes, and makes a new one after a growing backoff', () => {
    const { link, latest, made } = directLink();
    latest().report('closed');
    expect(link.state).toBe('relayed');
    expect(made[0]?.closed).toBe(true);
    vi.advanceTimersByTime(499);
    // Up to 500 ms with jitter (250–500 ms).
    vi.advanceTimersByTime(1);
    expect(made).toHaveLength(2);
    latest().report('closed');
    vi.advanceTimersByTime(499);
    expect(made).toHaveLength(2);
    vi.advanceTimersByTime(501);
    expect(made).toHaveLength(3);
    expect(link.state).toBe('relayed');
  });

  it('goes back to idle when an unproven connection closes, and tries again', () => {
    const { link, made } = linkUnderTest();
    link.listed();
    made[0]?.report('closed');
    expect(link.state).toBe('idle');
    vi.advanceTimersByTime(500);
    expect(link.state).toBe('signaling');
    expect(made).toHaveLength(2);
  });

  it('is lost when the relay stops listing it, from idle, signaling or relayed', () => {
    const idle = linkUnderTest({ initiator: false });
    idle.link.listed();
    idle.link.unlisted();
    expect(idle.link.state).toBe('lost');

    const signaling = linkUnderTest();
    signaling.link.listed();
    signaling.link.unlisted();
    expect(signaling.link.state).toBe('lost');
    expect(signaling.link.view().state).toBe('lost');

    const relayed = linkUnderTest();
    relayed.link.prove();
    relayed.link.listed();
    vi.advanceTimersByTime(3_000);
    relayed.link.unlisted();
    expect(relayed.link.state).toBe('lost');
    expect(relayed.link.reachable).toBe(false);
  });

  it('stays direct when the relay stops listing it, and is lost once that link fails', () => {
    const { link, latest } = directLink();
    link.unlisted();
    expect(link.state).toBe('direct');
    latest().report('failed');
    expect(link.state).toBe('lost');
  });

  it('comes back from lost: idle or signaling when listed again, direct when a link opens', () => {
    const idle = linkUnderTest({ initiator: false });
    idle.link.listed();
    idle.link.unlisted();
    idle.link.listed();
    expect(idle.link.state).toBe('idle');

    const signaling = linkUnderTest();
    signaling.link.listed();
    signaling.link.unlisted();
    signaling.link.listed();
    expect(signaling.link.state).toBe('signaling');
    expect(signaling.made).toHaveLength(1);

    const direct = linkUnderTest();
    direct.link.listed();
    direct.link.unlisted();
    direct.latest().report('open');
    expect(direct.link.state).toBe('direct');
  });

  it('lets an unopened connection go when the device joins again, and starts afresh', async () => {
    const { link, made } = linkUnderTest({ initiator: false });
    link.listed();
    await link.description(OFFER);
    expect(link.state).toBe('signaling');
    link.rejoined();
    expect(made[0]?.closed).toBe(true);
    expect(link.state).toBe('idle');
    vi.advanceTimersByTime(2_000);
    expect(made).toHaveLength(2);
    expect(link.state).toBe('signaling');
  });

  it('keeps an open link when the device joins the relay again', () => {
    const { link, made } = directLink();
    link.rejoined();
    expect(link.state).toBe('direct');
    expect(made).toHaveLength(1);
    expect(made[0]?.closed).toBe(false);
  });

  it('answers an offer from a new run of the device with a fresh connection', async () => {
    const { link, made } = directLink();
    const old = made[0];
    if (!old) throw new Error('no connection');
    old.refuseOffers = true;
    await link.description(OFFER);
    expect(made).toHaveLength(2);
    expect(old.closed).toBe(true);
    expect(made[1]?.applied).toEqual([OFFER]);
    expect(link.state).toBe('signaling');
    // The old connection is gone: what it reports changes nothing.
    old.report('closed');
    expect(link.state).toBe('signaling');
    made[1]?.report('open');
    expect(link.state).toBe('direct');
  });

  it('keeps a working link when an offer is one even a fresh connection refuses', async () => {
    const { link, made, refuseOffers } = directLink();
    refuseOffers();
    await expect(link.description(OFFER)).rejects.toThrow('another connection');
    expect(made).toHaveLength(2);
    expect(made[1]?.closed).toBe(true);
    expect(made[0]?.closed).toBe(false);
    expect(link.state).toBe('direct');
  });

  it('sends no offer from a connection it has let go', () => {
    const { link, made } = directLink();
    const old = made[0];
    expect(old?.events.isCurrent()).toBe(true);
    old?.report('closed');
    expect(old?.events.isCurrent()).toBe(false);
    vi.advanceTimersByTime(500);
    expect(made[1]?.events.isCurrent()).toBe(true);
    expect(link.state).toBe('relayed');
  });

  it('shows a link over TURN as such', async () => {
    const { link, latest } = directLink();
    latest().events.onPath('turn');
    expect(link.view()).toMatchObject({ state: 'turn', path: 'turn' });
    latest().events.onPath('lan');
    expect(link.view()).toMatchObject({ state: 'direct', path: 'lan' });
  });

  it('owns its timers: once closed, it makes no connection and is never relayed', async () => {
    const { link, made, reached } = linkUnderTest({ initiator: false });
    link.prove();
    link.listed();
    link.close();
    vi.advanceTimersByTime(60_000);
    expect(made).toHaveLength(0);
    expect(reached).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
    await link.description(OFFER);
    expect(made).toHaveLength(0);
  });
});
