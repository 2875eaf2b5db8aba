import { describe, expect, it } from 'vitest';
import { DEFAULT_ICE_SERVERS } from './ice-servers';
import { type IceAnswer, type IceInUse, RelayIce } from './relay-ice';

const OWN: RTCIceServer = { urls: 'turn:mine.example', username: 'me', credential: 'pw' };
const STUN: RTCIceServer = { urls: ['stun:10.200.0.1:3478'] };

function source(answers: IceAnswer[], own: RTCIceServer[] = [], waitMs = 50) {
  const seen: IceInUse[] = [];
  let asked = 0;
  let time = 0;
  const ice = new RelayIce({
    own,
    waitMs,
    now: () => time,
    ask: async () => answers[asked++] ?? { refused: 500 },
    onChange: (inUse) => seen.push(inUse),
  });
  return { ice, seen, asked: () => asked, advance: (ms: number) => (time += ms) };
}

describe('RelayIce', () => {
  it('gives a link the person’s servers, then the relay’s, once the relay answers', async () => {
    const { ice, seen } = source([{ servers: [STUN] }], [OWN]);
    const pending = ice.servers();
    ice.relayOpened();
    expect(await pending).toEqual([OWN, STUN]);
    expect(seen.at(-1)).toEqual({
      asking: false,
      servers: [
        { urls: ['turn:mine.example'], from: 'yours' },
        { urls: ['stun:10.200.0.1:3478'], from: 'relay' },
      ],
    });
  });

  it('falls back to the built-in STUN server when neither the relay nor the person has one', async () => {
    const refused = source([{ refused: 503 }, { servers: [STUN] }]);
    refused.ice.relayOpened();
    expect(await refused.ice.servers()).toEqual(DEFAULT_ICE_SERVERS);
    // The next time the stream opens, it asks again.
    refused.ice.relayOpened();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(await refused.ice.servers()).toEqual([STUN]);
    const silent = source([]);
    expect(await silent.ice.servers()).toEqual(DEFAULT_ICE_SERVERS);
    expect(silent.asked()).toBe(0);
  });

  it('takes the servers the stream named without asking, and wakes a link waiting for them', async () => {
    const { ice, asked, seen } = source([{ servers: [OWN] }]);
    const pending = ice.servers();
    ice.answered({ servers: [STUN], expiresAt: 1000 });
    ice.relayOpened();
    expect(await pending).toEqual([STUN]);
    expect(asked()).toBe(0);
    expect(seen.at(-1)).toEqual({
      asking: false,
      servers: [{ urls: ['stun:10.200.0.1:3478'], from: 'relay' }],
    });
  });

  it('asks again only after half the credentials’ lifetime', async () => {
    const { ice, asked, advance } = source([
      { servers: [STUN], expiresAt: 1000 },
      { servers: [STUN], expiresAt: 3000 },
    ]);
    ice.relayOpened();
    await ice.servers();
    advance(400);
    ice.relayOpened();
    await ice.servers();
    expect(asked()).toBe(1);
    advance(200);
    ice.relayOpened();
    await ice.servers();
    expect(asked()).toBe(2);
  });
});
