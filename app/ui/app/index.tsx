// The whole page. On a phone one column, clips first; wider, the join code sits beside them.

import { Composer } from '../composer';
import { CopyLatest } from '../copy-latest';
import { Devices } from '../devices';
import { History } from '../history';
import { InstallButton } from '../install-button';
import { Panel } from '../panel';
import { Region } from '../region';
import { RoomHeader } from '../room-header';
import { ScanButton } from '../scanner';
import { ShareLanding } from '../share-landing';
import { room, roomError, roomShown } from '../state';
import { StatusLine } from '../status-line';
import { UpdatePrompt } from '../update-prompt';
import styles from './app.module.css';

function Top() {
  return (
    <header class={styles.top}>
      <h1 class={styles.title}>clipmesh</h1>
      <Region what="the room's name">
        <p class={styles.room}>{room.value?.name}</p>
      </Region>
      <Region what="the Scan and Install buttons">
        <ScanButton />
        <InstallButton />
      </Region>
    </header>
  );
}

/** The rooms and the settings, each loaded when first opened. */
function MorePanels() {
  return (
    <div class={styles.more}>
      <Region what="the list of rooms">
        <Panel title="Rooms" load={() => import('../rooms-panel').then((m) => m.RoomsPanel)} />
      </Region>
      <Region what="the settings">
        <Panel
          title="Settings"
          load={() => import('../settings-panel').then((m) => m.SettingsPanel)}
        />
      </Region>
    </div>
  );
}

export function App() {
  return (
    <div class={styles.app}>
      <Top />
      <main class={styles.layout}>
        <div class={styles.status}>
          <Region what="how the room is doing">
            <StatusLine />
            <UpdatePrompt />
          </Region>
        </div>
        <div class={styles.clips}>
          <Region what="the latest clip">
            <CopyLatest />
          </Region>
          <Region what="the shared text">
            <ShareLanding />
          </Region>
          <Region what="the box to send a clip">
            <Composer />
          </Region>
          <Region what="your clips">
            <History />
          </Region>
        </div>
        {/* Below the clips, shown with them, so nothing jumps down. */}
        {roomShown.value && (
          <div class={styles.join}>
            <Region what="the room's join code">
              <RoomHeader />
            </Region>
            <Region what="the devices in the room">
              <Devices />
            </Region>
          </div>
        )}
        {(roomShown.value || roomError.value) && <MorePanels />}
      </main>
    </div>
  );
}
