#!/usr/bin/env node
/**
 * `npx wpkb …` / the package's `bin`: runs bin/wpkb.ts through tsx on the project's own Node 22
 * (node_modules/.bin/node, from the `node` devDependency) when it is installed, else on this Node.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const projectNode = `${root}node_modules/.bin/node${process.platform === 'win32' ? '.cmd' : ''}`;
const node = existsSync(projectNode) ? projectNode : process.execPath;
const script = fileURLToPath(new URL('./wpkb.ts', import.meta.url));

const child = spawn(node, ['--import', import.meta.resolve('tsx'), script, ...process.argv.slice(2)], {
  stdio: 'inherit',
});
// The terminal sends Ctrl-C to the whole process group: let the child decide, then exit with it.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('error', (error) => {
  console.error(`wpkb: cannot start ${node}: ${error.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
