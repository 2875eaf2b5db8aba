// Says that a new version waits, and lets the person switch to it at a moment of their choosing.

import { waitingUpdate } from '../../pwa/status';
import styles from './update-prompt.module.css';

export function UpdatePrompt() {
  const update = waitingUpdate.value;
  if (!update) return null;
  return (
    <div role="status" class={styles.prompt} data-testid="update-prompt">
      <p class={styles.text}>A new version of clipmesh is ready.</p>
      <button type="button" class="primary" onClick={() => void update()}>
        Reload
      </button>
    </div>
  );
}
