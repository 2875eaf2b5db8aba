// The whole page. On a phone one column, clips first; wider, the join code sits beside them.

import { Composer } from '../composer';
import { CopyLatest } from '../copy-latest';
import { Devices } from '../devices';
import { History } from '../history';
import { InstallButton } from '../install-button';
import { Panel } from '../panel';
import { RoomHeader } from '../room-header';
import { ScanButton } from '../scanner';
import { ShareLanding } from '../share-landing';
import { room, roomError, roomShown } from '../state';
import { StatusLine } from '../status-line';
import { UpdatePrompt } from '../update-prompt';
import styles from './app.module.css';

export function App() {
  return (
    <div class={styles.app}>
      <header class={styles.top}>
        <h1 class={styles.title}>clipmesh</h1>
        <p class={styles.room}>{room.value?.name}</p>
        <ScanButton />
        <InstallButton />
      </header>
      <main class={styles.layout}>
        <div class={styles.status}>
          <StatusLine />
          <UpdatePrompt />
        </div>
        <div class={styles.clips}>
          <CopyLatest />
          <ShareLanding />
          <Composer />
          <History />
        </div>
        {/* Below the clips, shown with them, so nothing jumps down. */}
        {roomShown.value && (
          <div class={styles.join}>
            <RoomHeader />
            <Devices />
          </div>
        )}
        {(roomShown.value || roomError.value) && (
          <div class={styles.more}>
            <Panel title="Rooms" load={() => import('../rooms-panel').then((m) => m.RoomsPanel)} />
            <Panel
              title="Settings"
              load={() => import('../settings-panel').then((m) => m.SettingsPanel)}
            />
          </div>
        )}
      </main>
    </div>
  );
}
