import { describe, expect, it } from 'vitest';
import { MAX_RELAYS } from '../../../relay/contract';
import { RelayList } from './relays';

describe('the relays a device may use for a room', () => {
  it('tries siblings remembered from before after the one it was given, in order', () => {
    const list = new RelayList('https://r1.example/', [
      'https://r2.example',
      'https://r3.example/',
    ]);
    expect(list.current).toBe('https://r1.example');
    expect(list.next()).toBe(true);
    expect(list.current).toBe('https://r2.example');
    expect(list.fromCurrent()).toEqual([
      'https://r2.example',
      'https://r3.example',
      'https://r1.example',
    ]);
  });

  it('tells of its siblings each time the relay advertises a new one, and only then', () => {
    const told: string[][] = [];
    const list = new RelayList('https://r1.example', ['https://r2.example'], (urls) =>
      told.push(urls),
    );
    list.learn(['https://r2.example/', 'https://r1.example']);
    expect(told).toEqual([]);
    list.learn(['https://r3.example']);
    expect(told).toEqual([['https://r2.example', 'https://r3.example']]);
  });

  it('keeps at most MAX_RELAYS besides the first, remembered or learned', () => {
    const many = Array.from({ length: MAX_RELAYS + 4 }, (_, i) => `https://r${i + 2}.example`);
    const list = new RelayList('https://r1.example', many.slice(0, 3));
    list.learn(many);
    expect(list.all).toHaveLength(MAX_RELAYS + 1);
    expect(list.all.slice(0, 4)).toEqual(['https://r1.example', ...many.slice(0, 3)]);
  });
});
