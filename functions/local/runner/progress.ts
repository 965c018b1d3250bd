import cliProgress from 'cli-progress';

/**
 * Progress of the long steps of `npm start` — reading a type's items, transform's two passes, indexing —
 * once a step has run for a couple of seconds: bars (cli-progress) in a terminal, a plain line every few
 * seconds otherwise (CI logs). Short steps show nothing but their summary line.
 */
export interface Progress {
  /** `done` of `total` for one step (`read stores`, `transform stores (2/2)`, `index`). */
  update(step: string, done: number, total: number): void;
  /** The step is over: its bar goes (its summary line follows). */
  finish(step: string): void;
  /** A line for people, above the bars while there are some. */
  print(line: string): void;
  /** Removes every bar. */
  stop(): void;
}

export interface ProgressOptions {
  /** The terminal, when output is one (bars); otherwise plain lines through `print`. */
  tty?: NodeJS.WriteStream;
  print: (line: string) => void;
  /** A step shows progress once it has run this long. Default 2,000 ms. */
  afterMs?: number;
  /** Plain mode: a line per step at most this often. Default 5,000 ms. */
  everyMs?: number;
  now?: () => number;
}

interface Step {
  started: number;
  lastLine: number;
  bar?: cliProgress.SingleBar;
}

export function createProgress(options: ProgressOptions): Progress {
  const now = options.now ?? (() => performance.now());
  const afterMs = options.afterMs ?? 2000;
  const everyMs = options.everyMs ?? 5000;
  const steps = new Map<string, Step>();
  let bars: cliProgress.MultiBar | undefined;
  const terminal = options.tty;

  const multibar = (stream: NodeJS.WriteStream) => {
    bars ??= new cliProgress.MultiBar(
      {
        stream,
        format: ' {bar} {percentage}% | {step} | {value}/{total}',
        hideCursor: true,
        clearOnComplete: true,
        stopOnComplete: false,
        autopadding: true,
      },
      cliProgress.Presets.shades_classic,
    );
    return bars;
  };

  return {
    update(step, done, total) {
      const at = now();
      let state = steps.get(step);
      if (!state) {
        state = { started: at, lastLine: at };
        steps.set(step, state);
      }
      if (at - state.started < afterMs) return;
      if (terminal) {
        state.bar ??= multibar(terminal).create(total, 0, { step });
        state.bar.setTotal(total);
        state.bar.update(done, { step });
      } else if (at - state.lastLine >= everyMs || state.lastLine === state.started) {
        state.lastLine = at;
        const share = total > 0 ? ` (${Math.floor((done / total) * 100)} %)` : '';
        options.print(
          `  … ${step}: ${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')}${share}`,
        );
      }
    },
    finish(step) {
      const state = steps.get(step);
      if (state?.bar) bars?.remove(state.bar);
      steps.delete(step);
      if (bars && ![...steps.values()].some((s) => s.bar)) {
        bars.stop();
        bars = undefined;
      }
    },
    print(line) {
      if (bars) bars.log(`${line}\n`);
      else options.print(line);
    },
    stop() {
      bars?.stop();
      bars = undefined;
      steps.clear();
    },
  };
}
