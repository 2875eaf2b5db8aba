// Response headers, built once per relay: browser policies for the served app, CORS for the API.
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';

export type HeaderSet = Readonly<OutgoingHttpHeaders>;

/** Every answer that is not the app itself: JSON, metrics text, event streams. */
export const API_HEADERS: HeaderSet = Object.freeze({ 'X-Content-Type-Options': 'nosniff' });

function contentSecurityPolicy(connectSrc: string[]): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    ["connect-src 'self'", ...connectSrc].join(' '),
    "worker-src 'self'",
    "manifest-src 'self'",
    "media-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join('; ');
}

/** For the served app's files, which a browser renders or runs. */
export function pageHeaders(connectSrc: string[]): HeaderSet {
  return Object.freeze({
    'Content-Security-Policy': contentSecurityPolicy(connectSrc),
    ...API_HEADERS,
    'Referrer-Policy': 'no-referrer',
    'Permissions-Policy': 'camera=(self), clipboard-read=(self), clipboard-write=(self)',
    'Cross-Origin-Opener-Policy': 'same-origin',
  });
}

export const PREFLIGHT_HEADERS: HeaderSet = Object.freeze({
  'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
  'Access-Control-Allow-Headers': 'Content-Type, Last-Event-ID',
  'Access-Control-Max-Age': '600',
});

/** What the request's Origin earns: whether it may call the API, and the headers to add. */
export interface Cors {
  readonly allowed: boolean;
  /** The CORS headers alone. */
  readonly headers: HeaderSet;
  /** The CORS headers and API_HEADERS: what every API answer to this origin carries. */
  readonly api: HeaderSet;
}

function cors(allowed: boolean, headers: OutgoingHttpHeaders): Cors {
  return Object.freeze({
    allowed,
    headers: Object.freeze(headers),
    api: Object.freeze({ ...API_HEADERS, ...headers }),
  });
}

// Lets the app read Retry-After on a 429 from another origin.
const EXPOSE = { 'Access-Control-Expose-Headers': 'Retry-After' } as const;
const NO_ORIGIN = cors(true, {});
const ANY_ORIGIN = cors(true, { ...EXPOSE, 'Access-Control-Allow-Origin': '*' });
const REFUSED = cors(false, { ...EXPOSE, Vary: 'Origin' });

const allowing = (origin: string): Cors =>
  cors(true, { ...EXPOSE, Vary: 'Origin', 'Access-Control-Allow-Origin': origin });

/** The app served by this relay calls it from its own origin, which is always allowed. */
function sameOrigin(origin: string, host: string | undefined): boolean {
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** Decides CORS per request; the answers for no Origin and for listed origins are built once. */
export function corsPolicy(origins: string[]): (req: IncomingMessage) => Cors {
  const anyOrigin = origins.includes('*');
  const listed = new Map(origins.map((origin) => [origin, allowing(origin)]));
  return (req) => {
    const origin = req.headers.origin;
    if (origin === undefined) return NO_ORIGIN;
    if (anyOrigin) return ANY_ORIGIN;
    return (
      listed.get(origin) ?? (sameOrigin(origin, req.headers.host) ? allowing(origin) : REFUSED)
    );
  };
}
