/**
 * The benchmark's WordPress site, in its own process (a remote site has its own CPU): starts the demo
 * site with the scale and latency given as arguments and reports its address and item counts to the
 * parent over IPC; closes when the parent says so or goes away.
 */
import { startDemoSite } from '../../functions/local/demo-site/server.js';

export interface SiteReady {
  kind: 'ready';
  url: string;
  /** Items stored per REST base (published or not). */
  stored: Record<string, number>;
  generationMs: number;
}

export interface SiteStats {
  kind: 'stats';
  requests: number;
  maxRssKb: number;
}

const [scale = '15', latency = '100'] = process.argv.slice(2);
const started = performance.now();
const server = await startDemoSite({ scale: Number(scale), latencyMs: Number(latency) });
const generationMs = performance.now() - started;
const stored = Object.fromEntries(
  Object.entries(server.site.items).map(([base, items]) => [base, items.length]),
);

/** Idempotent (server.close is): the parent's "close" and its disconnect both end here. */
const stop = async () => {
  await server.close();
  if (process.connected) process.disconnect();
};
process.on('message', (message: unknown) => {
  if (message === 'stats') {
    const stats: SiteStats = {
      kind: 'stats',
      requests: server.requests(),
      maxRssKb: process.resourceUsage().maxRSS,
    };
    process.send?.(stats);
  } else if (message === 'close') void stop();
});
process.on('disconnect', () => void stop());
const ready: SiteReady = { kind: 'ready', url: server.url, stored, generationMs };
process.send?.(ready);
