import { describe, expect, it } from 'vitest';
import { clipPreview } from './clip-preview';

describe('clipPreview', () => {
  it('keeps a short clip whole', () => {
    expect(clipPreview('hello\n\tworld')).toEqual({
      text: 'hello\n\tworld',
      truncated: false,
      total: 12,
    });
  });

  it('keeps a clip of exactly the limit whole', () => {
    expect(clipPreview('abcd', 4)).toEqual({ text: 'abcd', truncated: false, total: 4 });
  });

  it('cuts a long clip at the limit and reports its full length', () => {
    const text = 'x'.repeat(5000);
    const preview = clipPreview(text, 2000);
    expect(preview.text).toHaveLength(2000);
    expect(preview).toMatchObject({ truncated: true, total: 5000 });
  });

  it('does not split an emoji at the cut', () => {
    const preview = clipPreview('abc😀def', 4);
    expect(preview.text).toBe('abc');
    expect(preview.truncated).toBe(true);
  });
});
