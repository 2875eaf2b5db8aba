// Text shared into the installed app. The manifest's share_target uses GET, so the share
// arrives as query parameters on the app's own address and no service worker code is needed.

import { signal } from '@preact/signals';

const PARAMS = ['share-title', 'share-text', 'share-url'] as const;

/** The shared text waiting in the composer; null when nothing was shared. */
export const shared = signal<string | null>(null);

/** The text a share carries, or null when the query holds none. */
export function sharedText(search: string): string | null {
  const params = new URLSearchParams(search);
  const [title, text, url] = PARAMS.map((name) => params.get(name)?.trim() ?? '');
  // Many apps already put the link inside the text; a title alone is the last resort.
  const parts = [text, url && !text?.includes(url) ? url : ''].filter(Boolean);
  return parts.join('\n') || title || null;
}

/** The query without the share parameters; test hooks and anything else stay. */
export function withoutShare(search: string): string {
  const params = new URLSearchParams(search);
  for (const name of PARAMS) params.delete(name);
  const rest = params.toString();
  return rest ? `?${rest}` : '';
}

/** Takes a share out of the address bar, keeping the room fragment. */
export function takeShare(): void {
  if (!PARAMS.some((name) => new URLSearchParams(location.search).has(name))) return;
  shared.value = sharedText(location.search);
  const clean = `${location.pathname}${withoutShare(location.search)}${location.hash}`;
  history.replaceState(history.state, '', clean);
}
