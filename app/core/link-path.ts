// Which way a direct link's packets go, read from the selected ICE candidate pair, and
// watched while the link is open so a person sees it change (a move to TURN, back to NAT).

/** Both ends' host addresses: same network. Any reflexive address: through NAT. Or TURN. */
export type DirectPath = 'lan' | 'nat' | 'turn';

/** How often the selected pair is read again while a link is open. */
export const PATH_POLL_MS = 3_000;

interface StatsEntry {
  type?: unknown;
  selectedCandidatePairId?: unknown;
  localCandidateId?: unknown;
  remoteCandidateId?: unknown;
  candidateType?: unknown;
  selected?: unknown;
  nominated?: unknown;
  state?: unknown;
  address?: unknown;
  port?: unknown;
}

/**
 * The kind of an RTCIceCandidateStats, when it is one. A peer-reflexive candidate (learned from
 * a check that came before the signaled candidates) at the address of a signaled host
 * candidate is that host candidate.
 */
function candidateType(stats: ReadonlyMap<string, StatsEntry>, id: unknown): string | undefined {
  const entry = typeof id === 'string' ? stats.get(id) : undefined;
  const type = typeof entry?.candidateType === 'string' ? entry.candidateType : undefined;
  if (type !== 'prflx' || typeof entry?.address !== 'string') return type;
  for (const other of stats.values()) {
    const same = other.type === entry.type && other.address === entry.address;
    if (same && other.port === entry.port && other.candidateType === 'host') return 'host';
  }
  return type;
}

/** The selected pair: through its transport, or (older browsers) the pair marked selected. */
function selectedPair(stats: ReadonlyMap<string, StatsEntry>): StatsEntry | undefined {
  for (const entry of stats.values()) {
    if (entry.type === 'transport' && typeof entry.selectedCandidatePairId === 'string') {
      return stats.get(entry.selectedCandidatePairId);
    }
  }
  for (const entry of stats.values()) {
    if (entry.type === 'candidate-pair' && entry.selected === true) return entry;
  }
  return undefined;
}

/** The path of the selected candidate pair in a getStats() report; null before one is chosen. */
export function pathOfStats(stats: ReadonlyMap<string, StatsEntry>): DirectPath | null {
  const pair = selectedPair(stats);
  if (!pair) return null;
  const local = candidateType(stats, pair.localCandidateId);
  const remote = candidateType(stats, pair.remoteCandidateId);
  if (!local || !remote) return null;
  if (local === 'relay' || remote === 'relay') return 'turn';
  return local === 'host' && remote === 'host' ? 'lan' : 'nat';
}

/**
 * Reads the path when the browser says the pair changed, and every PATH_POLL_MS as well
 * (not every browser says so); `onPath` hears each change.
 */
export class PathWatch {
  private timer: ReturnType<typeof setInterval> | undefined;
  private last: DirectPath | null = null;
  private iceTransport: RTCIceTransport | undefined;
  private readonly onPairChange = () => void this.read();

  constructor(
    private readonly pc: RTCPeerConnection,
    private readonly onPath: (path: DirectPath) => void,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.read(), PATH_POLL_MS);
    this.iceTransport = this.pc.sctp?.transport.iceTransport;
    this.iceTransport?.addEventListener('selectedcandidatepairchange', this.onPairChange);
    void this.read();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.iceTransport?.removeEventListener('selectedcandidatepairchange', this.onPairChange);
    this.iceTransport = undefined;
  }

  private async read(): Promise<void> {
    let path: DirectPath | null;
    try {
      path = pathOfStats((await this.pc.getStats()) as ReadonlyMap<string, StatsEntry>);
    } catch {
      // A closed connection has no stats; the link reports its own closing.
      return;
    }
    if (path === null || path === this.last || !this.timer) return;
    this.last = path;
    this.onPath(path);
  }
}
