// Checks the relay address typed into settings.

/** Null when `text` is an http(s) URL (or empty, meaning the app's own origin). */
export function relayUrlError(text: string): string | null {
  const value = text.trim();
  if (value === '') return null;
  if (!/^https?:\/\//i.test(value)) return 'The relay address must start with https:// or http://';
  try {
    new URL(value);
    return null;
  } catch {
    return 'That relay address is not a valid web address.';
  }
}
