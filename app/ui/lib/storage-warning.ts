// What the person is told when this device could not save the room's clips.

import type { StorageView } from '../../core/session-types';

export function storageWarning({ unsaved, full, error }: StorageView): string | null {
  if (unsaved === 0) return null;
  const clips = unsaved === 1 ? '1 clip was' : `${unsaved} clips were`;
  if (full) {
    return `This device is out of space: ${clips} not saved. Delete some clips, or allow this room more space in Settings, and they are saved.`;
  }
  const why = error ? ` (${error})` : '';
  return `This device could not save its clips: ${clips} not saved${why}. They are tried again with the next change.`;
}
