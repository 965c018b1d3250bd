import Table from 'cli-table3';
import type { LocalIndexReport, RunReport } from '../../core/pipeline/report.js';
import type { ProgressEvent } from '../../core/pipeline/run.js';
import type { Progress } from './progress.js';

export type Print = (line: string) => void;

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const kb = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.round(bytes / 1024)} KB`;
const ms = (n: number) => (n >= 10_000 ? `${(n / 1000).toFixed(1)} s` : `${Math.round(n)} ms`);

/**
 * Progress lines per step, for people watching `npm start`; with `progress`, bars (or plain progress lines
 * when not in a terminal) for the steps that take a while.
 */
export function progressPrinter(print: Print, progress?: Progress): (event: ProgressEvent) => void {
  const read = new Map<string, { done: number; total: number }>();
  const transforming = new Set<string>();
  return (event) => {
    switch (event.step) {
      case 'discover':
        print(`▸ discover   ${event.site}`);
        break;
      case 'warning':
        print(`  warning    ${event.message}`);
        break;
      case 'planned':
        read.set(event.plan.type, { done: 0, total: event.plan.toRead });
        print(
          `▸ list       ${event.plan.type.padEnd(12)} ${plural(event.plan.counts.listed, 'item', 'items').padStart(11)}  ${event.plan.mode} read: ${event.plan.reason}`,
        );
        break;
      case 'extracted': {
        progress?.finish(`read ${event.type}`);
        const r = event.result;
        const reused = r.reused ? `, ${r.reused} unchanged` : '';
        const gone = r.gone ? `, ${r.gone} gone` : '';
        print(
          `▸ extract    ${event.type.padEnd(12)} ${plural(r.fetched, 'item', 'items').padStart(11)}  ${r.read ?? r.fetched} read${reused}${gone}  ${plural(r.requests, 'request', 'requests')}, ${kb(r.bytes ?? 0)}  ${ms(r.durationMs)}`,
        );
        break;
      }
      case 'read': {
        const state = read.get(event.type) ?? { done: 0, total: event.items };
        state.done += event.items;
        read.set(event.type, state);
        progress?.update(`read ${event.type}`, state.done, state.total);
        break;
      }
      case 'transform-items': {
        const step = `transform ${event.type} (pass ${event.pass} of 2)`;
        transforming.add(step);
        progress?.update(step, event.items, event.total);
        break;
      }
      case 'transform':
        print('▸ transform  normalise, build documents, compare with the store');
        break;
      case 'transformed':
        for (const step of transforming) progress?.finish(step);
        if (event.result.unchangedTypes.length)
          print(
            `▸ transform  ${event.result.unchangedTypes.join(', ')}: unchanged since the last run, not transformed again`,
          );
        print(
          `▸ transform  ${plural(event.result.objectsWritten, 'object', 'objects')} written, ${event.result.objectsDeleted} deleted  ${ms(event.durationMs)}`,
        );
        break;
      case 'extract':
        break; // per page: too chatty for a terminal log; the per-type line follows
    }
  };
}

/** The summary table printed at the end of a run. */
export function summaryTable(report: RunReport): string {
  const head = ['type', 'fetched', 'new', 'changed', 'unchanged', 'deleted', 'skipped'];
  const table = new Table({ head, style: { head: [], border: [] } });
  const row = (name: string, c: RunReport['totals']) => [
    name,
    c.fetched,
    c.new,
    c.changed,
    c.unchanged,
    c.deleted,
    c.skipped,
  ];
  for (const [name, counts] of Object.entries(report.types)) table.push(row(name, counts));
  table.push(row('total', report.totals));
  return table.toString();
}

/**
 * One line on boilerplate left out of documents, per type that had any (`undefined` when none):
 * `boilerplate left out: stores 1 block (70 paragraphs), event 1 block (24 paragraphs)`.
 */
export function boilerplateLine(report: RunReport): string | undefined {
  const parts = Object.entries(report.boilerplate ?? {})
    .filter(([, counts]) => counts.blocks > 0)
    .map(
      ([type, counts]) =>
        `${type} ${plural(counts.blocks, 'block', 'blocks')} (${plural(counts.paragraphsRemoved, 'paragraph', 'paragraphs')})`,
    );
  return parts.length ? `boilerplate left out: ${parts.join(', ')}` : undefined;
}

/** The local knowledge base step: a progress line and a summary line. */
export function localIndexLines(stats: LocalIndexReport): { progress: string; summary: string } {
  const skipped = stats.filesSkipped ? `, ${plural(stats.filesSkipped, 'file', 'files')} skipped` : '';
  return {
    progress: `▸ index      ${plural(stats.filesIndexed, 'file', 'files')} indexed, ${stats.filesRemoved} removed${skipped}${stats.rebuilt ? ` (rebuilt: ${stats.rebuilt})` : ''}  ${ms(stats.durationMs)}`,
    summary: `local knowledge base: ${stats.chunksAdded} chunks added, ${stats.chunksRemoved} removed${stats.chunks === undefined ? '' : ` (${plural(stats.chunks, 'chunk', 'chunks')})`}; ask it: npx wpkb ask "¿…?"`,
  };
}
