// Command line entry: read flags and env, start the relay, stop cleanly on SIGTERM/SIGINT.
import { readFileSync } from 'node:fs';
import { ConfigError, helpText, parseConfig } from './config';
import { jsonLogger } from './log';
import { createRelay, type RelayOptions } from './server';
import { fileTap } from './tap';

function readConfig() {
  try {
    return parseConfig(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
}

function readPem(flag: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    process.stderr.write(`--${flag}: cannot read ${path}: ${(error as Error).message}\n`);
    process.exit(2);
  }
}

const config = readConfig();
if (!config) {
  process.stdout.write(`${helpText()}\n`);
  process.exit(0);
}

const tls =
  config.cert && config.key
    ? { cert: readPem('cert', config.cert), key: readPem('key', config.key) }
    : undefined;
function startRelay(options: RelayOptions) {
  try {
    return createRelay(options);
  } catch (error) {
    // Only TLS setup throws here: files that are not a matching PEM certificate and key.
    if (!tls) throw error;
    process.stderr.write(`--cert/--key: not a usable certificate and key: ${error}\n`);
    process.exit(2);
  }
}

const relay = startRelay({ ...config, tls, tap: config.tap ? fileTap(config.tap) : undefined });
const address = await relay.listen(config.port, config.host);
const wildcard = config.host === '0.0.0.0' || config.host === '::';
const host = wildcard
  ? 'localhost'
  : address.family === 'IPv6'
    ? `[${address.address}]`
    : address.address;
jsonLogger({
  msg: 'listening',
  url: `${tls ? 'https' : 'http'}://${host}:${address.port}`,
  address: `${address.address}:${address.port}`,
  static: config.staticDir ?? null,
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    jsonLogger({ msg: 'shutting down', signal });
    relay.close().then(() => process.exit(0));
  });
}
