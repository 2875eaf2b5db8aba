import { describe, expect, it } from 'vitest';
import { storageWarning } from './storage-warning';

describe('the storage warning', () => {
  it('says nothing while every clip is saved', () => {
    expect(storageWarning({ unsaved: 0, full: true })).toBeNull();
  });

  it('says plainly that space ran out, how many clips, and what to do', () => {
    expect(storageWarning({ unsaved: 3, full: true })).toBe(
      'This device is out of space: 3 clips were not saved. Delete some clips, or allow this room more space in Settings, and they are saved.',
    );
    expect(storageWarning({ unsaved: 1, full: true })).toMatch(
      /^This device is out of space: 1 clip was not saved\./,
    );
  });

  it('names another failure in the browser’s words', () => {
    expect(storageWarning({ unsaved: 2, full: false, error: 'The disk is gone' })).toBe(
      'This device could not save its clips: 2 clips were not saved (The disk is gone). They are tried again with the next change.',
    );
  });
});
