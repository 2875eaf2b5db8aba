import { describe, expect, it } from 'vitest';
import { receiptLabel } from './receipts';

describe('receiptLabel', () => {
  it('says a clip no device has acknowledged is waiting', () => {
    expect(receiptLabel({ from: 'me', holders: [], pending: true }, 'me')).toBe('waiting to send');
  });

  it('counts this device and every holder of a sent clip', () => {
    expect(receiptLabel({ from: 'me', holders: ['phone'], pending: false }, 'me')).toBe(
      'on 2 devices',
    );
  });

  it('counts the sender and this device for a received clip', () => {
    expect(receiptLabel({ from: 'laptop', holders: [], pending: false }, 'me')).toBe(
      'on 2 devices',
    );
    expect(receiptLabel({ from: 'laptop', holders: ['me', 'tablet'], pending: false }, 'me')).toBe(
      'on 3 devices',
    );
  });

  it('says one device when only this one holds it', () => {
    expect(receiptLabel({ from: 'me', holders: [], pending: false }, 'me')).toBe('on 1 device');
  });
});
