// Search parameters for tests and benchmarks (also handy on a hostile network):
//   ?relay=<url>  use this relay for this page load, over settings and links
//   ?direct=off   no direct links: every clip goes through the sealed relay fallback
//   ?ice=none     no STUN/TURN servers: only local addresses are tried

export interface TestHooks {
  relayUrl?: string;
  forceRelay: boolean;
  iceServers?: RTCIceServer[];
}

export function readTestHooks(search: string): TestHooks {
  const params = new URLSearchParams(search);
  const relay = params.get('relay');
  return {
    forceRelay: params.get('direct') === 'off',
    ...(relay && /^https?:\/\//i.test(relay) ? { relayUrl: relay } : {}),
    ...(params.get('ice') === 'none' ? { iceServers: [] } : {}),
  };
}
