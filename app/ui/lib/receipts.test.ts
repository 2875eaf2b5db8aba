import { describe, expect, it } from 'vitest';
import { nameList, type ReceiptDevices, receipt, receiptLabel } from './receipts';

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

describe('receipt', () => {
  const room: ReceiptDevices = {
    self: { id: 'me', name: 'Laptop' },
    others: new Map([
      ['phone', 'Phone'],
      ['tablet', 'Tablet'],
    ]),
  };
  const sent = { from: 'me', fromName: 'Laptop', pending: false };

  it('names every device that holds a sent clip, this one first', () => {
    const shown = receipt({ ...sent, holders: ['phone', 'tablet'] }, room);
    expect(shown.holders).toEqual(['Laptop (this device)', 'Phone', 'Tablet']);
    expect(shown.waiting).toEqual([]);
    expect(shown.sentence).toBe('On 3 devices: Laptop (this device), Phone and Tablet.');
  });

  it('names the devices a sent clip has not reached yet', () => {
    const shown = receipt({ ...sent, holders: ['phone'] }, room);
    expect(shown.label).toBe('on 2 devices');
    expect(shown.waiting).toEqual(['Tablet']);
    expect(shown.sentence).toBe(
      'On 2 devices: Laptop (this device) and Phone. Waiting for Tablet.',
    );
  });

  it('says which devices a pending clip waits for', () => {
    const shown = receipt({ ...sent, holders: [], pending: true }, room);
    expect(shown.label).toBe('waiting to send');
    expect(shown.waiting).toEqual(['Phone', 'Tablet']);
    expect(shown.sentence).toBe('Waiting to send to Phone and Tablet.');
  });

  it('says a pending clip waits for a device to join when there is none', () => {
    const alone = { ...room, others: new Map() };
    expect(receipt({ ...sent, holders: [], pending: true }, alone).sentence).toBe(
      'Waiting to send: no other device is in the room yet.',
    );
  });

  it('names the sender of a received clip and waits for nobody on its behalf', () => {
    const shown = receipt(
      { from: 'phone', fromName: 'Old phone name', holders: [], pending: false },
      room,
    );
    expect(shown.holders).toEqual(['Phone', 'Laptop (this device)']);
    expect(shown.waiting).toEqual([]);
    expect(shown.sentence).toBe('On 2 devices: Phone and Laptop (this device).');
  });

  it('falls back to the name a clip carries for a sender no longer in the room', () => {
    const shown = receipt(
      { from: 'gone', fromName: 'Old PC', holders: ['ghost'], pending: false },
      room,
    );
    expect(shown.holders).toEqual(['Old PC', 'Laptop (this device)', 'a device no longer listed']);
  });
});

describe('nameList', () => {
  it('joins names as a sentence does', () => {
    expect(nameList([])).toBe('');
    expect(nameList(['A'])).toBe('A');
    expect(nameList(['A', 'B'])).toBe('A and B');
    expect(nameList(['A', 'B', 'C'])).toBe('A, B and C');
  });
});
