// `clipmesh`: the terminal peer. Reads the command line, opens the room through the app's
// core and runs one command; exit code 0 on success, 1 when it failed, 2 on bad usage.

import { version } from '../package.json';
import { parseCommandLine } from './args';
import { HELP, runCommand } from './commands';

// The core leaves some promises to themselves (`void …`), written for pages, where a rejection
// is logged and the page goes on; Node would end the command. It is said, counted, and set aside.
let faults = 0;
const noteFault = (error: unknown): void => {
  faults += 1;
  const text = error instanceof Error ? error.message : String(error);
  process.stderr.write(`clipmesh: an internal error was set aside (${faults} so far): ${text}\n`);
};
process.on('unhandledRejection', noteFault);

async function main(): Promise<number> {
  const parsed = parseCommandLine(process.argv.slice(2));
  if (!parsed.ok) {
    process.stderr.write(`clipmesh: ${parsed.error}\n`);
    return 2;
  }
  const { command } = parsed;
  if (command.command === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  if (command.command === 'version') {
    process.stdout.write(`clipmesh ${version}\n`);
    return 0;
  }
  return runCommand(command);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`clipmesh: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
