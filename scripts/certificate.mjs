// A self-signed certificate for serving clipmesh over https on the LAN, made once with the
// openssl command and kept; made again only when it no longer fits this computer.
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const VALID_DAYS = 825; // the longest validity iOS accepts for a TLS server certificate
const RENEW_BEFORE_MS = 24 * 60 * 60 * 1000;

export class CertificateError extends Error {
  name = 'CertificateError';
}

/**
 * Whether the certificate in `certFile` names every one of `ips` and is valid for a day yet.
 * @param {string} certFile
 * @param {string[]} ips
 */
export function certificateFits(certFile, ips) {
  let cert;
  try {
    cert = new X509Certificate(readFileSync(certFile));
  } catch {
    return false;
  }
  const expires = Date.parse(cert.validTo);
  return expires - Date.now() > RENEW_BEFORE_MS && ips.every((ip) => cert.checkIP(ip) === ip);
}

/**
 * @param {string} certFile
 * @param {string} keyFile
 * @param {string[]} names subjectAltName entries: `DNS:…` or `IP:…`
 */
function makeCertificate(certFile, keyFile, names) {
  // biome-ignore format: one openssl option and its value per line
  const args = [
    'req', '-x509', '-nodes', '-days', String(VALID_DAYS),
    '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
    '-subj', '/CN=clipmesh on this computer',
    '-addext', `subjectAltName=${names.join(',')}`,
    '-addext', 'extendedKeyUsage=serverAuth',
    '-keyout', keyFile,
    '-out', certFile,
  ];
  try {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const missing = /** @type {NodeJS.ErrnoException} */ (error).code === 'ENOENT';
    throw new CertificateError(
      missing
        ? 'making a certificate needs the openssl command, which was not found: install it, or pass --cert FILE --key FILE'
        : `openssl could not make a certificate: ${String(/** @type {{stderr?: unknown}} */ (error).stderr ?? error).trim()}`,
    );
  }
  chmodSync(keyFile, 0o600);
}

/**
 * The certificate and key in `dir`, made (or made again) when missing, expiring, or not
 * naming one of `ips`. `hostname` and localhost are named too.
 * @param {{ dir: string, ips: string[], hostname: string }} options
 * @returns {{ certFile: string, keyFile: string, made: boolean }}
 */
export function ensureCertificate({ dir, ips, hostname }) {
  const certFile = join(dir, 'clipmesh.crt');
  const keyFile = join(dir, 'clipmesh.key');
  const allIps = ['127.0.0.1', '::1', ...ips];
  if (existsSync(keyFile) && certificateFits(certFile, allIps)) {
    return { certFile, keyFile, made: false };
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const hosts = /^[a-z0-9-]+$/i.test(hostname) ? [hostname, `${hostname}.local`] : [];
  const names = [
    ...['localhost', ...hosts].map((name) => `DNS:${name}`),
    ...allIps.map((ip) => `IP:${ip}`),
  ];
  makeCertificate(certFile, keyFile, names);
  return { certFile, keyFile, made: true };
}
