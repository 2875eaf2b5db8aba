import { describe, expect, it } from 'vitest';
import { CAMERA_PROBLEMS, CameraUnavailable, cameraProblem } from './camera';

describe('cameraProblem', () => {
  it.each([
    ['NotAllowedError', CAMERA_PROBLEMS.denied],
    ['SecurityError', CAMERA_PROBLEMS.denied],
    ['NotFoundError', CAMERA_PROBLEMS.none],
    ['OverconstrainedError', CAMERA_PROBLEMS.none],
    ['NotReadableError', CAMERA_PROBLEMS.busy],
  ])('explains a %s', (name, sentence) => {
    expect(cameraProblem(new DOMException('raw', name))).toBe(sentence);
  });

  it('passes on its own reasons', () => {
    expect(cameraProblem(new CameraUnavailable(CAMERA_PROBLEMS.insecure))).toBe(
      CAMERA_PROBLEMS.insecure,
    );
  });

  it('names what went wrong when it is something else', () => {
    expect(cameraProblem(new TypeError('boom'))).toMatch(/could not start \(boom\)/);
  });
});
