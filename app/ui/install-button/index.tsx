// Installing the app: the browser's own offer where there is one, else a hint for iOS Safari.

import { needsIosInstallHint } from '../../pwa/install';
import { installOffer } from '../../pwa/status';
import styles from './install-button.module.css';

const iosHint = needsIosInstallHint({
  userAgent: navigator.userAgent,
  maxTouchPoints: navigator.maxTouchPoints,
  standalone: (navigator as { standalone?: boolean }).standalone,
});

export function InstallButton() {
  const offer = installOffer.value;
  if (offer) {
    return (
      <button
        type="button"
        onClick={() => {
          // An offer can be shown once; the browser fires a new one if the person declines.
          installOffer.value = null;
          void offer.prompt();
        }}
      >
        Install app
      </button>
    );
  }
  if (!iosHint) return null;
  return <p class={styles.hint}>To install: tap Share, then Add to Home Screen.</p>;
}
