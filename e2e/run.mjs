// The e2e entry point. As root, it moves the suite into a fresh network namespace first,
// so browsers, relay and WebRTC traffic never reach any address outside it.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { insideNamespace, NETNS_ADDRESS, namespaceCommand } from './netns.mjs';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const playwrightCli = createRequire(import.meta.url).resolve('@playwright/test/cli');
const args = process.argv.slice(2);

function run(command, commandArgs, env = process.env) {
  const child = spawn(command, commandArgs, { cwd: repoRoot, env, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('error', (error) => {
    console.error(`e2e: could not start ${command}: ${error.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? 128 + signalNumber(signal)));
}

function signalNumber(signal) {
  return { SIGINT: 2, SIGKILL: 9, SIGTERM: 15 }[signal] ?? 1;
}

const runPlaywright = () => run(process.execPath, [playwrightCli, 'test', ...args]);

if (insideNamespace()) {
  runPlaywright();
} else {
  const namespace = namespaceCommand(fileURLToPath(import.meta.url), args);
  if (!('reason' in namespace)) {
    console.log(`e2e: as root, inside a private network namespace (unshare -n, ${NETNS_ADDRESS})`);
    run(namespace.command, namespace.args, namespace.env);
  } else if (process.env.CI) {
    // On CI the suite must never fall back to the machine's own network.
    console.error('e2e: CI needs root, unshare and ip to run the suite in a network namespace');
    process.exit(1);
  } else {
    console.log(`e2e: ${namespace.reason}; running Playwright on this machine's network`);
    runPlaywright();
  }
}
