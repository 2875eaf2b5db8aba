// A person's own STUN and TURN servers, and the list the room's links use now.

import { type Signal, useSignal } from '@preact/signals';
import { useEffect, useState } from 'preact/hooks';
import { iceServerError } from '../../core/ice-servers';
import type { IceInUse } from '../../core/relay-ice';
import { updateSettings } from '../device-control';
import { session, settings } from '../state';
import styles from './settings-panel.module.css';

const FROM_WORDS: Record<IceInUse['servers'][number]['from'], string> = {
  yours: 'yours',
  relay: 'from the relay',
  default: 'built in',
};

function useIceInUse(): IceInUse | null {
  const current = session.value;
  const [inUse, setInUse] = useState<IceInUse | null>(current?.ice.get() ?? null);
  useEffect(() => {
    setInUse(current?.ice.get() ?? null);
    return current?.ice.subscribe(setInUse);
  }, [current]);
  return inUse;
}

function InUse() {
  const inUse = useIceInUse();
  if (!inUse) return null;
  if (inUse.servers.length === 0) {
    return (
      <p class={styles.hint} data-testid="ice-in-use">
        {inUse.asking ? 'Asking the relay for its servers…' : 'No STUN or TURN servers.'}
      </p>
    );
  }
  return (
    <ul class={styles.servers} data-testid="ice-in-use">
      {inUse.servers.map((server) => (
        <li key={server.urls.join(' ')}>
          {server.urls.join(', ')} <span class={styles.hint}>({FROM_WORDS[server.from]})</span>
        </li>
      ))}
    </ul>
  );
}

function OwnServers({ own }: { own: RTCIceServer[] }) {
  if (own.length === 0) return null;
  const remove = (index: number) =>
    updateSettings({ iceServers: own.filter((_, at) => at !== index) });
  return (
    <ul class={styles.servers} data-testid="own-ice-servers">
      {own.map((server, index) => (
        <li key={[server.urls].flat().join(' ')}>
          {[server.urls].flat().join(', ')}{' '}
          <button type="button" onClick={() => void remove(index)}>
            Remove
          </button>
        </li>
      ))}
    </ul>
  );
}

function TurnCredentials({
  username,
  password,
}: {
  username: Signal<string>;
  password: Signal<string>;
}) {
  return (
    <>
      <input
        aria-label="TURN user name"
        placeholder="user name (TURN)"
        autoComplete="off"
        value={username.value}
        onInput={(event) => {
          username.value = event.currentTarget.value;
        }}
      />
      <input
        aria-label="TURN password"
        placeholder="password (TURN)"
        type="password"
        autoComplete="off"
        value={password.value}
        onInput={(event) => {
          password.value = event.currentTarget.value;
        }}
      />
    </>
  );
}

export function IceServersSettings() {
  const url = useSignal('');
  const username = useSignal('');
  const password = useSignal('');
  const error = useSignal<string | null>(null);
  const own = settings.value?.iceServers ?? [];

  async function add(): Promise<void> {
    const server: RTCIceServer = { urls: url.value.trim() };
    if (username.value.trim()) server.username = username.value.trim();
    if (password.value) server.credential = password.value;
    error.value = iceServerError(server);
    if (error.value) return;
    url.value = '';
    username.value = '';
    password.value = '';
    await updateSettings({ iceServers: [...own, server] });
  }

  return (
    <form
      class={styles.relay}
      onSubmit={(event) => {
        event.preventDefault();
        void add();
      }}
    >
      <h3 class={styles.heading}>Connection servers (STUN and TURN)</h3>
      <p class={styles.hint}>In use now, yours first:</p>
      <InUse />
      <OwnServers own={own} />
      <label for="ice-url">Add your own server</label>
      <input
        id="ice-url"
        placeholder="turn:turn.example.com:3478"
        value={url.value}
        aria-invalid={error.value !== null}
        onInput={(event) => {
          url.value = event.currentTarget.value;
          error.value = null;
        }}
      />
      <div class={styles.row}>
        <TurnCredentials username={username} password={password} />
        <button type="submit">Add</button>
      </div>
      {error.value && (
        <p role="alert" class="error">
          {error.value}
        </p>
      )}
    </form>
  );
}
