// Runs the suite over real WebRTC (vitest.webrtc.config.ts). As root it moves itself into a
// fresh network namespace first, as e2e/run.mjs does, so no link reaches outside it.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { insideNamespace, NETNS_ADDRESS, namespaceCommand } from '../e2e/netns.mjs';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const vitestPackage = createRequire(import.meta.url).resolve('vitest/package.json');
const vitestCli = join(dirname(vitestPackage), 'vitest.mjs');
const args = process.argv.slice(2);

function run(command, commandArgs, env = process.env) {
  const child = spawn(command, commandArgs, { cwd: repoRoot, env, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('error', (error) => {
    console.error(`webrtc tests: could not start ${command}: ${error.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGINT' ? 130 : 1)));
}

function runVitest(env) {
  run(process.execPath, [vitestCli, 'run', '--config', 'vitest.webrtc.config.ts', ...args], env);
}

if (insideNamespace()) {
  runVitest();
} else {
  const namespace = namespaceCommand(fileURLToPath(import.meta.url), args);
  if (!('reason' in namespace)) {
    console.log(`webrtc tests: inside a private network namespace (unshare -n, ${NETNS_ADDRESS})`);
    run(namespace.command, namespace.args, namespace.env);
  } else if (process.env.CI) {
    // On CI the suite must never fall back to the machine's own network.
    console.error('webrtc tests: CI needs root, unshare and ip to run them in a network namespace');
    process.exit(1);
  } else {
    console.log(`webrtc tests: ${namespace.reason}; running them on this machine's network`);
    runVitest({ ...process.env, CLIPMESH_WEBRTC_HERE: '1' });
  }
}
