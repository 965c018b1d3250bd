import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * The benchmarks' scratch directories: all under one root, removed once, when the process that made the
 * root has nothing left to do. Child processes started with `scratchEnv()` put theirs under the same root
 * and leave it alone.
 *
 * Why not remove each directory as soon as its benchmark is done: on this VM's root file system (ext4
 * without a journal), a new inode is checked against those deleted in the last 30 seconds, and right
 * after tens of thousands of files were deleted, creating 10,150 small files took 4.5–5 s with 8–9 s of
 * kernel CPU instead of 0.4 s (perf: `find_inode_bit`, `recently_deleted`, `find_get_block_common`). A
 * user's first run does not follow such a delete; the benchmark's must not either. (The VM shows the same
 * slowness at other times too, for reasons outside the benchmark: the end-to-end figure prints the disk
 * check beside it.)
 */
const ROOT_ENV = 'WPKB_BENCH_SCRATCH';

let root: Promise<string> | undefined;

function scratchRoot(): Promise<string> {
  root ??= (async () => {
    const inherited = process.env[ROOT_ENV];
    if (inherited) {
      await mkdir(inherited, { recursive: true });
      return inherited;
    }
    const made = await mkdtemp(path.join(tmpdir(), 'wpkb-bench-'));
    // `beforeExit` fires when the event loop is empty: every benchmark of this process is done.
    process.once('beforeExit', () => {
      void rm(made, { recursive: true, force: true });
    });
    return made;
  })();
  return root;
}

/** A new, empty directory for one benchmark (`<root>/<prefix>XXXXXX`). */
export async function scratchDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(await scratchRoot(), prefix));
}

/** This process's environment naming the scratch root: a child process started with it shares the root. */
export async function scratchEnv(): Promise<NodeJS.ProcessEnv> {
  return { ...process.env, [ROOT_ENV]: await scratchRoot() };
}
