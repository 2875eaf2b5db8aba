// Auto-copy, which relay to use, whether to allow direct links, how much room clips take, and
// STUN/TURN servers.

import { updateSettings } from '../device-control';
import { settings } from '../state';
import { IceServersSettings } from './ice-servers';
import { RelaySetting } from './relay-setting';
import { RoomSpaceSetting } from './room-space-setting';
import styles from './settings-panel.module.css';

export function SettingsPanel() {
  const current = settings.value;
  if (!current) return null;
  return (
    <div class={styles.body}>
      <label class={styles.check}>
        <input
          type="checkbox"
          checked={current.autoCopy}
          onChange={(event) => void updateSettings({ autoCopy: event.currentTarget.checked })}
        />
        Auto-copy: put clips from other devices on this clipboard as they arrive (while this page is
        in front)
      </label>
      <label class={styles.check}>
        <input
          type="checkbox"
          checked={current.forceRelay ?? false}
          onChange={(event) => void updateSettings({ forceRelay: event.currentTarget.checked })}
        />
        Force relay (no direct links). Clips stay end-to-end encrypted but travel through a TURN
        relay, or the clipmesh relay.
      </label>
      <RelaySetting saved={current.relayUrl} />
      <RoomSpaceSetting saved={current.roomSpaceMiB} />
      <IceServersSettings />
    </div>
  );
}
