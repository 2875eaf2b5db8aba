import { describe, expect, it } from 'vitest';
import { needsIosInstallHint } from './install';

const IPHONE_SAFARI =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
const IPHONE_CHROME =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1';
const MAC_SAFARI =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';
const ANDROID_CHROME =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36';

describe('needsIosInstallHint', () => {
  it('hints in iPhone Safari in a tab', () => {
    expect(needsIosInstallHint({ userAgent: IPHONE_SAFARI, maxTouchPoints: 5 })).toBe(true);
  });

  it('hints in iPadOS Safari, which says it is a Mac but has touch', () => {
    expect(needsIosInstallHint({ userAgent: MAC_SAFARI, maxTouchPoints: 5 })).toBe(true);
  });

  it('stays quiet once opened from the home screen', () => {
    const facts = { userAgent: IPHONE_SAFARI, maxTouchPoints: 5, standalone: true };
    expect(needsIosInstallHint(facts)).toBe(false);
  });

  it('stays quiet in other browsers and on other systems', () => {
    expect(needsIosInstallHint({ userAgent: IPHONE_CHROME, maxTouchPoints: 5 })).toBe(false);
    expect(needsIosInstallHint({ userAgent: MAC_SAFARI, maxTouchPoints: 0 })).toBe(false);
    expect(needsIosInstallHint({ userAgent: ANDROID_CHROME, maxTouchPoints: 5 })).toBe(false);
  });
});
