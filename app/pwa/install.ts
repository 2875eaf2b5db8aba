// iOS Safari has no install prompt: a person adds the app from the Share menu.

export interface BrowserFacts {
  userAgent: string;
  maxTouchPoints: number;
  /** Safari's `navigator.standalone`: true when opened from the home screen. */
  standalone?: boolean;
}

/** True in iOS or iPadOS Safari when the app is not already opened from the home screen. */
export function needsIosInstallHint({ userAgent, maxTouchPoints, standalone }: BrowserFacts) {
  // iPadOS Safari says "Macintosh"; only touch tells it from a Mac.
  const ios =
    /iPhone|iPad|iPod/.test(userAgent) || (/Macintosh/.test(userAgent) && maxTouchPoints > 1);
  // Other iOS browsers name themselves (CriOS, FxiOS, EdgiOS...) and have menus of their own.
  const safari = /Safari\//.test(userAgent) && !/CriOS|FxiOS|EdgiOS|OPiOS/.test(userAgent);
  return ios && safari && standalone !== true;
}
