import { describe, expect, it } from 'vitest';
import { statusText } from './status';

describe('statusText', () => {
  it('counts connected devices once the relay is open', () => {
    expect(statusText('open', 1)).toBe('Connected to 1 device.');
    expect(statusText('open', 3)).toBe('Connected to 3 devices.');
    expect(statusText('open', 0)).toMatch(/No other device yet/);
  });

  it('says the relay is connecting until a device is reachable', () => {
    expect(statusText('connecting', 0)).toBe('Connecting to the relay…');
    expect(statusText('connecting', 1)).toBe('Connected to 1 device.');
  });

  it('keeps direct links in view while the relay is unreachable', () => {
    expect(statusText('unreachable', 0)).toBe('Relay unreachable — retrying.');
    expect(statusText('unreachable', 2)).toBe(
      'Relay unreachable — retrying. Connected to 2 devices.',
    );
  });

  it('explains why the room stopped', () => {
    expect(statusText('replaced', 0)).toBe('This room is open in another tab or window.');
    expect(statusText('full', 0)).toBe('This room is full.');
    expect(statusText('refused', 0, 'room id is not valid')).toBe(
      'The relay refused this room: room id is not valid',
    );
  });
});
