import { describe, expect, it } from 'vitest';
import { sharedText, withoutShare } from './share';

describe('sharedText', () => {
  it('takes the shared text', () => {
    expect(sharedText('?share-text=hello%20there')).toBe('hello there');
  });

  it('adds the url on its own line unless the text already holds it', () => {
    expect(sharedText('?share-text=look&share-url=https%3A%2F%2Fa.example%2F')).toBe(
      'look\nhttps://a.example/',
    );
    expect(
      sharedText(
        '?share-text=look%20https%3A%2F%2Fa.example%2F&share-url=https%3A%2F%2Fa.example%2F',
      ),
    ).toBe('look https://a.example/');
  });

  it('falls back to the title when nothing else came', () => {
    expect(sharedText('?share-title=A%20page&share-text=&share-url=')).toBe('A page');
  });

  it('is null when the query holds no share', () => {
    expect(sharedText('?ice=none')).toBeNull();
    expect(sharedText('?share-text=%20%20')).toBeNull();
  });
});

describe('withoutShare', () => {
  it('drops the share parameters and keeps the rest', () => {
    expect(withoutShare('?share-text=x&ice=none&share-url=y')).toBe('?ice=none');
    expect(withoutShare('?share-title=t')).toBe('');
  });
});
