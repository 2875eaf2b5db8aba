// A self-signed certificate for serving clipmesh over https on the LAN, made once with the
// openssl command and kept; made again only when it no longer fits this computer.
// It is a leaf (CA:FALSE, serverAuth only): trusting it can never vouch for another site.
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const VALID_DAYS = 825; // the longest validity iOS accepts for a TLS server certificate
const RENEW_BEFORE_MS = 24 * 60 * 60 * 1000;
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

export class CertificateError extends Error {
  name = 'CertificateError';
}

/**
 * Whether the certificate in `certFile` is a server leaf (not a CA, as older versions made)
 * naming every one of `ips`, and valid for a day yet.
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
  const leaf = !cert.ca && (cert.keyUsage ?? []).includes(SERVER_AUTH);
  return (
    leaf && expires - Date.now() > RENEW_BEFORE_MS && ips.every((ip) => cert.checkIP(ip) === ip)
  );
}

/**
 * An openssl config of our own: `req -x509` would otherwise add the default config's
 * `v3_ca` extensions, which make the certificate a CA.
 * @param {string[]} names
 */
function leafConfig(names) {
  return [
    '[req]',
    'distinguished_name = subject',
    'x509_extensions = leaf',
    'prompt = no',
    '[subject]',
    'CN = clipmesh on this computer',
    '[leaf]',
    'basicConstraints = critical, CA:FALSE',
    'keyUsage = critical, digitalSignature, keyEncipherment',
    'extendedKeyUsage = serverAuth',
    `subjectAltName = ${names.join(', ')}`,
    'subjectKeyIdentifier = hash',
    '',
  ].join('\n');
}

/**
 * @param {string} certFile
 * @param {string} keyFile
 * @param {string[]} names subjectAltName entries: `DNS:…` or `IP:…`
 */
function makeCertificate(certFile, keyFile, names) {
  const configDir = mkdtempSync(join(tmpdir(), 'clipmesh-openssl-'));
  const config = join(configDir, 'leaf.cnf');
  writeFileSync(config, leafConfig(names));
  // biome-ignore format: one openssl option and its value per line
  const args = [
    'req', '-x509', '-nodes', '-days', String(VALID_DAYS),
    '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
    '-config', config,
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
  } finally {
    rmSync(configDir, { recursive: true, force: true });
  }
  chmodSync(keyFile, 0o600);
}

/**
 * The certificate and key in `dir`, made (or made again) when missing, expiring, a CA, or
 * not naming one of `ips`. `hostname` and localhost are named too.
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
