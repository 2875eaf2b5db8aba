import { describe, expect, it } from 'vitest';
import { AUTO_FETCH_CHARS, held } from './held-clip';
import { haveMessage, readOffer } from './history-exchange';

const info = (id: string, size: number) => ({
  id,
  from: 'device-bbbb',
  fromName: 'B',
  at: 1,
  size,
});

describe('history exchange', () => {
  it('offers recent ids and describes only the large clips among them', () => {
    const small = held({ id: 'clip-small', text: 'hi', from: 'a', fromName: 'A', at: 1, stamp: 2 });
    const large = { ...small, id: 'clip-large', stamp: 1, size: AUTO_FETCH_CHARS + 1 };
    expect(haveMessage([small, large])).toEqual({
      t: 'have',
      ids: ['clip-small', 'clip-large'],
      large: [{ id: 'clip-large', from: 'a', fromName: 'A', at: 1, size: AUTO_FETCH_CHARS + 1 }],
    });
    expect(haveMessage([small])).toEqual({ t: 'have', ids: ['clip-small'] });
  });

  it('asks for what it lacks, shows large clips as offers, and skips what it knows', () => {
    const big = info('clip-big1', AUTO_FETCH_CHARS + 1);
    // A peer may call a small clip large: it is pulled all the same.
    const { wanted, offered } = readOffer(
      ['clip-new1', 'clip-big1', 'clip-known', 'clip-liar'],
      [big, info('clip-liar', 10)],
      (id) => id === 'clip-known',
    );
    expect(wanted).toEqual(['clip-new1', 'clip-liar']);
    expect(offered).toEqual([big]);
  });
});
