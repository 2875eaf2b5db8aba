import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
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
