import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS, commandsFor, registerCommands } from '../../../bin/commands/index.js';

const root = path.resolve(import.meta.dirname, '../../..');
const all = Object.keys(COMMANDS);

describe('wpkb loads only the command it runs', () => {
  it('picks the named command, the default command for options alone, and every command for help', () => {
    expect(commandsFor(['serve', '--port', '0'])).toEqual(['serve']);
    expect(commandsFor(['demo-site'])).toEqual(['demo-site']);
    expect(commandsFor([])).toEqual(['run']);
    expect(commandsFor(['--wp-url', 'http://x', '--types', 'serve'])).toEqual(['run']);
    expect(commandsFor(['--help'])).toEqual(all);
    expect(commandsFor(['-h'])).toEqual(all);
    expect(commandsFor(['help', 'run'])).toEqual(all);
    // Not a command: every command, so the answer is the one commander always gave.
    expect(commandsFor(['srve'])).toEqual(all);
    expect(commandsFor(['toString'])).toEqual(all);
  });

  it('each lazily loaded module registers the command it is listed under', async () => {
    for (const name of all) {
      const program = new Command('wpkb');
      await registerCommands(program, [name]);
      expect(
        program.commands.map((c) => c.name()),
        name,
      ).toEqual([name]);
    }
  }, 60_000);

  it('`wpkb --help` lists every command', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'bin/wpkb.ts', '--help'],
      {
        cwd: root,
        env: { ...process.env, NO_COLOR: '1' },
      },
    );
    for (const name of all) expect(stdout).toMatch(new RegExp(`^\\s+${name}\\b`, 'm'));
  }, 60_000);
});
