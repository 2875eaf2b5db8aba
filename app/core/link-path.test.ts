import { describe, expect, it } from 'vitest';
import { pathOfStats } from './link-path';

function report(local: string, remote: string, how: 'transport' | 'selected' = 'transport') {
  const entries: [string, Record<string, unknown>][] = [
    ['L', { type: 'local-candidate', candidateType: local }],
    ['R', { type: 'remote-candidate', candidateType: remote }],
    ['P', { type: 'candidate-pair', localCandidateId: 'L', remoteCandidateId: 'R' }],
    ['X', { type: 'candidate-pair', localCandidateId: 'R', remoteCandidateId: 'L' }],
  ];
  if (how === 'transport') entries.push(['T', { type: 'transport', selectedCandidatePairId: 'P' }]);
  else (entries[2] as [string, Record<string, unknown>])[1].selected = true;
  return new Map(entries);
}

describe('pathOfStats', () => {
  it.each([
    ['host', 'host', 'lan'],
    ['host', 'srflx', 'nat'],
    ['srflx', 'host', 'nat'],
    ['prflx', 'srflx', 'nat'],
    ['host', 'prflx', 'nat'],
    ['relay', 'host', 'turn'],
    ['srflx', 'relay', 'turn'],
  ])('a %s to %s pair is %s', (local, remote, path) => {
    expect(pathOfStats(report(local, remote))).toBe(path);
    expect(pathOfStats(report(local, remote, 'selected'))).toBe(path);
  });

  it('takes a peer-reflexive candidate at a signaled host address for that host', () => {
    const stats = report('host', 'prflx');
    Object.assign(stats.get('R') ?? {}, { address: '192.168.1.11', port: 5000 });
    expect(pathOfStats(stats)).toBe('nat');
    stats.set('H', {
      type: 'remote-candidate',
      candidateType: 'host',
      address: '192.168.1.11',
      port: 5000,
    });
    expect(pathOfStats(stats)).toBe('lan');
  });

  it('is null until a pair is selected, or when the report is malformed', () => {
    expect(pathOfStats(new Map())).toBeNull();
    const broken = report('host', 'host');
    broken.delete('R');
    expect(pathOfStats(broken)).toBeNull();
    expect(pathOfStats(new Map([['T', { type: 'transport', selectedCandidatePairId: 'P' }]]))).toBe(
      null,
    );
  });
});
