import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { certificateFits, ensureCertificate } from './certificate.mjs';

function hasOpenssl() {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!hasOpenssl())('ensureCertificate', () => {
  it('makes a certificate naming localhost and the LAN addresses, then keeps it', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'clipmesh-cert-')), '.cert');
    const first = ensureCertificate({ dir, ips: ['192.168.1.23'], hostname: 'laptop' });
    expect(first.made).toBe(true);
    expect(certificateFits(first.certFile, ['127.0.0.1', '::1', '192.168.1.23'])).toBe(true);
    const pem = readFileSync(first.certFile, 'utf8');

    const again = ensureCertificate({ dir, ips: ['192.168.1.23'], hostname: 'laptop' });
    expect(again.made).toBe(false);
    expect(readFileSync(again.certFile, 'utf8')).toBe(pem);
  });

  it('makes a leaf for serving https, never a CA', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'clipmesh-cert-')), '.cert');
    const { certFile } = ensureCertificate({ dir, ips: ['192.168.1.23'], hostname: 'laptop' });
    const text = execFileSync('openssl', ['x509', '-in', certFile, '-noout', '-text'], {
      encoding: 'utf8',
    });
    expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:FALSE/);
    expect(text).not.toMatch(/CA:TRUE/);
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Key Encipherment\n/);
    expect(text).toMatch(/X509v3 Extended Key Usage:\s+TLS Web Server Authentication\n/);
    expect(text).toContain('DNS:localhost, DNS:laptop, DNS:laptop.local, IP Address:127.0.0.1');
    expect(text).toContain('IP Address:192.168.1.23');
  });

  it('makes again a certificate an older version made as a CA', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'clipmesh-cert-')), '.cert');
    mkdirSync(dir);
    // What the older version ran: `req -x509` adds CA:TRUE from the default config.
    // biome-ignore format: one openssl option and its value per line
    execFileSync('openssl', [
      'req', '-x509', '-nodes', '-days', '30',
      '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
      '-subj', '/CN=clipmesh on this computer',
      '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1',
      '-addext', 'extendedKeyUsage=serverAuth',
      '-keyout', join(dir, 'clipmesh.key'), '-out', join(dir, 'clipmesh.crt'),
    ], { stdio: 'ignore' });
    expect(certificateFits(join(dir, 'clipmesh.crt'), ['127.0.0.1'])).toBe(false);

    const remade = ensureCertificate({ dir, ips: [], hostname: 'laptop' });
    expect(remade.made).toBe(true);
    expect(new X509Certificate(readFileSync(remade.certFile)).ca).toBe(false);
  });

  it('makes a new one when the computer has an address the old one does not name', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'clipmesh-cert-')), '.cert');
    ensureCertificate({ dir, ips: ['192.168.1.23'], hostname: 'laptop' });
    const moved = ensureCertificate({ dir, ips: ['10.0.0.5'], hostname: 'laptop' });
    expect(moved.made).toBe(true);
    expect(certificateFits(moved.certFile, ['10.0.0.5'])).toBe(true);
  });
});

describe('certificateFits', () => {
  it('is false when there is no certificate', () => {
    expect(certificateFits('/nonexistent/clipmesh.crt', [])).toBe(false);
  });
});
