// The page's events the core is handed, as it knows no page: what ends a relay stream's dormant
// wait (the network back, the page shown again, a person's touch or key press), and what tells
// that the page may be going (so this browser's other tabs hear a bye at once).

import type { LeaveSource } from '../../core/transport/broadcast';
import type { WakeSource } from '../../core/transport/relay-stream';

export const pageLeaving: LeaveSource = (leaving) => {
  addEventListener('pagehide', leaving);
  return () => removeEventListener('pagehide', leaving);
};

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
