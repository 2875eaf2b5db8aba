// What ends a relay stream's dormant wait in a browser: the network back, the page shown again,
// or a person's touch or key press. The core knows no page, so the ui hands it this.

import type { WakeSource } from '../../core/transport/relay-stream';

export const pageWake: WakeSource = (wake) => {
  const online = (): void => wake('online');
  const acted = (): void => wake('person');
  const shown = (): void => {
    if (document.visibilityState === 'visible') wake('person');
  };
  addEventListener('online', online);
  addEventListener('pointerdown', acted);
  addEventListener('keydown', acted);
  document.addEventListener('visibilitychange', shown);
  return () => {
    removeEventListener('online', online);
    removeEventListener('pointerdown', acted);
    removeEventListener('keydown', acted);
    document.removeEventListener('visibilitychange', shown);
  };
};
