// A bare page for bench:app's floors: it meets one other page through the relay (unsealed,
// one data channel, no app code) and shows what arrives as a clip item would. What it takes
// is what no app could beat on this machine.
(() => {
  const query = new URLSearchParams(location.search);
  const room = query.get('room');
  const device = query.get('device');
  const key = query.get('key');
  const peer = query.get('peer');
  const now = () => performance.timeOrigin + performance.now();
  const pc = new RTCPeerConnection({ iceServers: [] });
  let channel;
  let opened;
  let bulk = { want: Number.POSITIVE_INFINITY, got: 0, done: () => {} };
  let subscribed;
  const floor = {
    openedAt: null,
    subscribed: new Promise((resolve) => {
      subscribed = resolve;
    }),
    opened: new Promise((resolve) => {
      opened = resolve;
    }),
    /** Sends one text message; returns the time just before it left. */
    send(text) {
      const at = now();
      channel.send(text);
      return at;
    },
    /** How long one read of a clipboard holding `total` characters takes. */
    async clipboardRead(total) {
      await navigator.clipboard.writeText('x'.repeat(total));
      const started = now();
      await navigator.clipboard.readText();
      return now() - started;
    },
    /** Resolves with the time the last of `total` bulk bytes arrived. */
    expect(total) {
      return new Promise((resolve) => {
        bulk = { want: total, got: 0, done: resolve };
      });
    },
    /** Sends `total` bytes as `kind` messages of `size`, keeping the buffer under `high`. */
    async sendBulk({ total, size, kind, high, low }) {
      channel.bufferedAmountLowThreshold = low;
      const piece = kind === 'binary' ? new Uint8Array(size) : 'x'.repeat(size);
      const at = now();
      for (let sent = 0; sent < total; sent += size) {
        if (channel.bufferedAmount > high) {
          await new Promise((resolve) => {
            channel.onbufferedamountlow = resolve;
          });
        }
        channel.send(sent + size <= total ? piece : piece.slice(0, total - sent));
      }
      return at;
    },
  };
  window.floor = floor;

  const list = document.createElement('ol');
  document.body.append(list);
  function receive(event) {
    const { data } = event;
    if (typeof data === 'string' && data.startsWith('bench:')) {
      // The markup bench/app/browsers.mjs's page hooks watch for, as for the app's clips.
      const item = document.createElement('li');
      item.dataset.testid = 'clip';
      const text = document.createElement('pre');
      text.dataset.testid = 'clip-text';
      text.textContent = data;
      item.append(text);
      list.prepend(item);
      return;
    }
    bulk.got += typeof data === 'string' ? data.length : data.byteLength;
    if (bulk.got >= bulk.want) bulk.done(now());
  }
  const use = (made) => {
    channel = made;
    channel.binaryType = 'arraybuffer';
    channel.onmessage = receive;
    channel.onopen = () => {
      floor.openedAt = now();
      opened(floor.openedAt);
    };
  };

  const post = (payload) =>
    fetch(`/v1/rooms/${room}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ device, key, to: peer, payload: JSON.stringify(payload) }),
    });
  pc.onicecandidate = (event) => {
    if (event.candidate) post({ candidate: event.candidate.toJSON() });
  };
  pc.ondatachannel = (event) => use(event.channel);
  let offered = false;
  const offer = async () => {
    if (offered || query.get('offer') !== '1') return;
    offered = true;
    use(pc.createDataChannel('floor'));
    await pc.setLocalDescription();
    post({ description: pc.localDescription.toJSON() });
  };
  // One after another: a candidate must not be added before its description.
  let steps = Promise.resolve();
  const handle = async ({ description, candidate }) => {
    if (candidate) return pc.addIceCandidate(candidate);
    await pc.setRemoteDescription(description);
    if (description.type !== 'offer') return;
    await pc.setLocalDescription();
    post({ description: pc.localDescription.toJSON() });
  };
  const events = new EventSource(`/v1/rooms/${room}/events?device=${device}&key=${key}`);
  events.addEventListener('members', (event) => {
    subscribed(true);
    if (JSON.parse(event.data).devices.includes(peer)) offer();
  });
  events.addEventListener('join', (event) => {
    if (JSON.parse(event.data).device === peer) offer();
  });
  events.addEventListener('message', (event) => {
    const message = JSON.parse(JSON.parse(event.data).payload);
    steps = steps.then(() => handle(message));
  });
})();
