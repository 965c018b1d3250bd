import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress } from '../../../functions/local/runner/progress.js';

/** A clock the test moves. */
const clock = () => {
  const c = { at: 0, now: () => c.at };
  return c;
};

/** Progress without a terminal, on a clock the test moves; the lines it printed. */
function plain() {
  const lines: string[] = [];
  const c = clock();
  return { lines, c, progress: createProgress({ print: (l) => lines.push(l), now: c.now }) };
}

describe('progress of long steps', () => {
  it('says nothing for a step shorter than two seconds', () => {
    const { lines, c, progress } = plain();
    progress.update('read stores', 10, 100);
    c.at = 1900;
    progress.update('read stores', 90, 100);
    progress.finish('read stores');
    expect(lines).toEqual([]);
  });

  it('without a terminal: a plain line once the step is long, then at most every five seconds', () => {
    const { lines, c, progress } = plain();
    progress.update('read stores', 0, 5000);
    c.at = 2500;
    progress.update('read stores', 1200, 5000);
    c.at = 4000;
    progress.update('read stores', 2000, 5000);
    c.at = 7600;
    progress.update('read stores', 4100, 5000);
    expect(lines).toEqual([
      '  … read stores: 1,200 of 5,000 (24 %)',
      '  … read stores: 4,100 of 5,000 (82 %)',
    ]);
  });

  it('in a terminal: a bar naming the step, lines printed above it, gone when the step ends', async () => {
    let written = '';
    const tty = Object.assign(
      new Writable({
        write(chunk, _encoding, done) {
          written += chunk.toString();
          done();
        },
      }),
      {
        isTTY: true,
        columns: 100,
        rows: 30,
        cursorTo: () => true,
        clearLine: () => true,
        moveCursor: () => true,
      },
    ) as unknown as NodeJS.WriteStream;
    const lines: string[] = [];
    const c = clock();
    const progress = createProgress({ tty, print: (l) => lines.push(l), now: c.now });
    progress.update('index', 0, 400);
    c.at = 3000;
    progress.update('index', 200, 400);
    progress.print('▸ extract    stores');
    await new Promise((resolve) => setTimeout(resolve, 300)); // cli-progress redraws on its own timer
    progress.finish('index');
    progress.print('▸ index      400 files indexed');
    expect(written).toContain('index');
    expect(written).toContain('200/400');
    expect(written).toContain('▸ extract    stores');
    expect(lines).toEqual(['▸ index      400 files indexed']); // no bar left: straight to print
    progress.stop();
  });
});
