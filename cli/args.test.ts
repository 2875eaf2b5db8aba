import { describe, expect, it } from 'vitest';
import { LINK_ERRORS, roomCode } from '../app/core/link';
import { type Command, DEFAULT_TIMEOUT_S, parseCommandLine, readTarget } from './args';

const secret = Uint8Array.from({ length: 16 }, (_, i) => i * 13);
const code = roomCode(secret);

function command(...argv: string[]): Command {
  const parsed = parseCommandLine(argv);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.command;
}

function error(...argv: string[]): string {
  const parsed = parseCommandLine(argv);
  if (parsed.ok) throw new Error(`accepted ${argv.join(' ')}`);
  return parsed.error;
}

describe('every form of LINK names the room and its relay', () => {
  it.each([
    [`https://clip.example/#k=${code}`, 'https://clip.example'],
    [`http://127.0.0.1:8787/#k=${code}`, 'http://127.0.0.1:8787'],
    [`https://clip.example/app/?x=1#k=${code}`, 'https://clip.example'],
    [`clip.example/#k=${code}`, 'https://clip.example'],
    [`  https://clip.example/#k=${code}\n`, 'https://clip.example'],
    [
      `https://clip.example/#k=${code}&relay=${encodeURIComponent('https://relay.example:8443/r')}`,
      'https://relay.example:8443/r',
    ],
    [`#k=${code}&relay=${encodeURIComponent('http://10.0.0.2:8787')}`, 'http://10.0.0.2:8787'],
  ])('%s', (link, relayUrl) => {
    expect(readTarget(link)).toEqual({ secret, relayUrl });
  });

  it.each([[code], [`#k=${code}`], [` ${code} `]])(
    'a bare code or fragment (%s) names no relay',
    (link) => {
      expect(readTarget(link)).toEqual({ secret });
    },
  );

  it.each([
    ['not-a-code', LINK_ERRORS.badCode],
    [`javascript:alert(1)#k=${code}`, LINK_ERRORS.badScheme],
    ['https://clip.example/', LINK_ERRORS.noCode],
    [`https://clip.example/#k=${code}&relay=javascript%3Aalert(1)`, LINK_ERRORS.badRelay],
    ['x'.repeat(5000), LINK_ERRORS.tooLong],
  ])('refuses %s with the join form’s words', (link, message) => {
    expect(readTarget(link)).toBe(message);
    expect(error('watch', link)).toBe(message);
  });
});

describe('parseCommandLine', () => {
  const link = `https://clip.example/#k=${code}`;
  const target = { secret, relayUrl: 'https://clip.example' };
  const defaults = { timeoutMs: DEFAULT_TIMEOUT_S * 1000 };

  it('reads each command with its arguments', () => {
    expect(command('new')).toEqual({ command: 'new', options: defaults });
    expect(command('send', link, 'hi there')).toEqual({
      command: 'send',
      target,
      text: 'hi there',
      options: defaults,
    });
    expect(command('send', link)).toEqual({ command: 'send', target, options: defaults });
    expect(command('watch', link, '--json')).toEqual({
      command: 'watch',
      target,
      json: true,
      options: defaults,
    });
    expect(command('watch', link)).toMatchObject({ json: false });
    expect(command('sync', link)).toEqual({ command: 'sync', target, options: defaults });
  });

  it('reads help and version before anything else', () => {
    expect(command('--help')).toEqual({ command: 'help' });
    expect(command('send', '-h')).toEqual({ command: 'help' });
    expect(command('--version')).toEqual({ command: 'version' });
    expect(command('-V')).toEqual({ command: 'version' });
  });

  it('reads the options anywhere on the line', () => {
    const parsed = command('--name', ' Work laptop ', 'send', link, 'x', '--timeout', '2.5');
    expect(parsed).toMatchObject({ options: { name: 'Work laptop', timeoutMs: 2500 } });
    expect(command('sync', link, '--relay', 'http://127.0.0.1:9000')).toMatchObject({
      options: { relayUrl: 'http://127.0.0.1:9000' },
    });
    expect(command('sync', link, '--stun', 'none')).toMatchObject({ options: { iceServers: [] } });
    expect(command('sync', link, '--stun', 'stun:stun.example.org:3478')).toMatchObject({
      options: { iceServers: [{ urls: 'stun:stun.example.org:3478' }] },
    });
  });

  it('says what is wrong with bad usage', () => {
    expect(error()).toMatch(/Say what to do/);
    expect(error('paste', link)).toMatch(/There is no command "paste"/);
    expect(error('send')).toMatch(/send needs the room's LINK/);
    expect(error('send', link, 'two', 'words')).toMatch(/put TEXT in quotes/);
    expect(error('watch', link, 'extra')).toMatch(/watch takes only a LINK/);
    expect(error('new', link)).toMatch(/new takes no LINK/);
    expect(error('send', link, '--json')).toMatch(/--json goes with watch only/);
    expect(error('sync', link, '--bogus')).toMatch(/Unknown option '--bogus'.*--help/);
    expect(error('sync', link, '--name')).toMatch(/--name/);
    expect(error('sync', link, '--name', '  ')).toMatch(/--name needs a name/);
    expect(error('sync', link, '--name', 'n'.repeat(65))).toMatch(/too long/);
    for (const timeout of ['0', 'soon', '1e3', '90000']) {
      expect(error('send', link, '--timeout', timeout)).toMatch(/--timeout takes a number/);
    }
    expect(error('send', link, '--timeout', '-1')).toMatch(/'--timeout' argument is ambiguous/);
    expect(error('sync', link, '--relay', 'ws://x')).toMatch(/--relay takes an address/);
    expect(error('sync', link, '--stun', 'http://x')).toMatch(/--stun takes/);
  });
});
