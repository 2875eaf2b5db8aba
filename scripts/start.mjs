// `npm start`: runs the built relay serving the built app, then prints where a phone on the
// same Wi-Fi can open it, with a QR code. `--https` serves it over TLS (see README.md).
import { hostname, networkInterfaces } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import QRCode from 'qrcode';
import { CertificateError, ensureCertificate } from './certificate.mjs';
import { appUrls, lanAddresses } from './lan.mjs';
import { launchRelay } from './relay-process.mjs';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const USAGE = `Usage: npm start -- [--https] [--cert FILE --key FILE] [relay flags]

  --https             serve over https with a self-signed certificate kept in .cert/
  --cert FILE         serve over https with this certificate (PEM; or CLIPMESH_CERT)
  --key FILE          and this private key (PEM; or CLIPMESH_KEY)
Every other flag goes to the relay: see node dist/relay.mjs --help.`;

/** Splits our own flags from the ones passed on to the relay. */
function readArgs(argv) {
  const relayArgs = [];
  let https = false;
  let cert = process.env.CLIPMESH_CERT || undefined;
  let key = process.env.CLIPMESH_KEY || undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const [name, inline] = argv[i].split(/=(.*)/s, 2);
    if (name === '--https') https = true;
    else if (name === '--cert') cert = inline ?? argv[++i];
    else if (name === '--key') key = inline ?? argv[++i];
    else if (name === '--help' || name === '-h') return undefined;
    else relayArgs.push(argv[i]);
  }
  return { https: https || cert !== undefined || key !== undefined, cert, key, relayArgs };
}

/** The certificate flags for the relay: the given files, else the kept self-signed pair. */
function tlsArgs({ cert, key }) {
  if (cert !== undefined && key !== undefined) return ['--cert', cert, '--key', key];
  if (cert !== undefined || key !== undefined) {
    throw new CertificateError('--cert and --key (CLIPMESH_CERT, CLIPMESH_KEY) go together');
  }
  const dir = resolve('.cert');
  const made = ensureCertificate({
    dir,
    ips: lanAddresses(networkInterfaces()),
    hostname: hostname(),
  });
  if (made.made) console.log(`Made a self-signed certificate for this computer in ${dir}`);
  return ['--cert', made.certFile, '--key', made.keyFile];
}

async function printWhereToOpen(listening, https) {
  const scheme = https ? 'https' : 'http';
  const urls = appUrls({ scheme, ...listening }, lanAddresses(networkInterfaces()));
  const lines = ['', `clipmesh is running at ${urls.local}`];
  if (urls.lan.length === 0) {
    lines.push('No network address to show a phone (not on a network, or bound to loopback).');
  } else if (!https) {
    // Over http on a LAN address a browser withholds WebCrypto, so no room would open there.
    lines.push(`On the same Wi-Fi: ${urls.lan.join(' or ')}`);
    lines.push('but phones open rooms only over https: run `npm start -- --https` for them.');
  } else {
    lines.push(`On the same Wi-Fi, open ${urls.lan.join(' or ')}`);
    lines.push("or scan this with the phone's camera:", '');
    lines.push(await QRCode.toString(urls.lan[0], { type: 'terminal', small: true }));
    lines.push(
      'The phone warns once about the certificate: see README.md, "Open it on your phone".',
    );
  }
  console.log(lines.join('\n'));
}

async function main() {
  const args = readArgs(process.argv.slice(2));
  if (!args) {
    console.log(USAGE);
    return;
  }
  let relayArgs = ['--static', resolve(repoRoot, 'dist/app'), ...args.relayArgs];
  try {
    if (args.https) relayArgs = [...tlsArgs(args), ...relayArgs];
  } catch (error) {
    if (!(error instanceof CertificateError)) throw error;
    console.error(`clipmesh: ${error.message}`);
    process.exit(2);
  }
  let relay;
  // Ctrl-C reaches the relay from the terminal too; SIGTERM makes a second signal harmless.
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => relay?.kill('SIGTERM'));
  const started = await launchRelay({
    args: relayArgs,
    cwd: process.cwd(),
    stderr: 'inherit',
    onLine: (line) => console.log(line),
  }).catch((error) => {
    console.error(`clipmesh: ${error.message}`);
    process.exit(1);
  });
  relay = started.child;
  relay.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  await printWhereToOpen(started, args.https);
}

await main();
