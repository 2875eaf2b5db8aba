// Security headers for everything served, and CORS for the API.
import type { IncomingMessage, ServerResponse } from 'node:http';

export function securityHeaders(connectSrc: string[]): Record<string, string> {
  const csp = [
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
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Permissions-Policy': 'camera=(self), clipboard-read=(self), clipboard-write=(self)',
    'Cross-Origin-Opener-Policy': 'same-origin',
  };
}

export const PREFLIGHT_HEADERS = {
  'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
  'Access-Control-Allow-Headers': 'Content-Type, Last-Event-ID',
  'Access-Control-Max-Age': '600',
};

/** The app served by this relay calls it from its own origin, which is always allowed. */
function sameOrigin(origin: string, host: string | undefined): boolean {
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** Sets CORS headers for an allowed Origin; false when the Origin is not allowed. */
export function allowOrigin(req: IncomingMessage, res: ServerResponse, origins: string[]): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  // Lets the app read Retry-After on a 429 from another origin.
  res.setHeader('Access-Control-Expose-Headers', 'Retry-After');
  if (origins.includes('*')) {
    res.setHeader('Access-Control-Allow-Origin', '*');
    return true;
  }
  res.setHeader('Vary', 'Origin');
  if (!origins.includes(origin) && !sameOrigin(origin, req.headers.host)) return false;
  res.setHeader('Access-Control-Allow-Origin', origin);
  return true;
}
