/**
 * A real WordPress for the integration suite: Debian's `wordpress` package served by `php -S` on
 * 127.0.0.1, backed by a private MariaDB (own datadir and socket under a temp dir, no TCP port).
 *
 * `startWordPress()` starts everything, installs WordPress into a fresh database with the wpkb-connector
 * plugin (`wordpress-plugin/`, as WP_PLUGIN_DIR) activated and a minimal test theme, and returns helpers to
 * seed and mutate content (PHP scripts calling wp_insert_post / wp_update_post / wp_trash_post), to set
 * wp-config.php constants and to query MariaDB. `stop()` ends every process it started and removes what it wrote. Two servers serve the
 * same site: `url` with pretty permalinks (`/wp-json/…`), `plainUrl` with plain permalinks, where the REST
 * API only answers at `/?rest_route=…`.
 *
 * Prerequisites: `.ci/wordpress-setup.sh` (apt packages wordpress, php-cli, php-mysql, mariadb-server) and
 * a writable /etc/wordpress (Debian's wp-config.php reads its site config there).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, openSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import axios from 'axios';

const HERE = dirname(fileURLToPath(import.meta.url));
const PHP_DIR = join(HERE, 'php');
const MU_PLUGIN_DIR = join(HERE, 'mu-plugins');
/** WP_PLUGIN_DIR of the test site: the repository's plugins, served at /wp-content/plugins/ by the router. */
export const PLUGIN_ROOT = join(HERE, '..', '..', 'wordpress-plugin');
const WP_ROOT = '/usr/share/wordpress';
const WP_CONFIG_DIR = '/etc/wordpress';
const SETUP_HINT = 'run .ci/wordpress-setup.sh (as root) first';

/** One post as the PHP helpers read it back from WordPress. */
export interface PostRow {
  id: number;
  type: string;
  status: string;
  slug: string;
  title: string;
  protected: boolean;
  modified_gmt: string;
}

/** What the PHP helpers create: an ACF-like object (stored as one JSON meta) or none. */
export interface PostSpec {
  type: string;
  title: string;
  content?: string;
  excerpt?: string;
  /** publish (default), draft, pending, private, future. */
  status?: string;
  password?: string;
  /** Local site time `YYYY-MM-DD HH:MM:SS` (needed for `future`). */
  date?: string;
  slug?: string;
  acf?: Record<string, unknown> | false;
  /** Term names by taxonomy (`{categoria_tienda: ['Moda']}`), assigned with wp_set_object_terms. */
  terms?: Record<string, string[]>;
  /** Publish, then move to the trash with wp_trash_post. */
  trash?: boolean;
}

export interface PostChanges {
  title?: string;
  content?: string;
  excerpt?: string;
  acf?: Record<string, unknown> | false;
  /** Replaces the post's terms in the taxonomies named. */
  terms?: Record<string, string[]>;
  /** New post status (wp_update_post): publish, draft, pending, private, … */
  status?: string;
  /** New post password ('' removes it). */
  password?: string;
}

/** A wp-config.php constant's value (written with var_export). */
export type ConfigConstant = string | number | boolean;

/** A term as the PHP helpers report it. */
export interface TermRow {
  id: number;
  name: string;
}

export interface WordPressSite {
  /** `http://127.0.0.1:<port>`: pretty permalinks, REST at /wp-json/. */
  readonly url: string;
  /** Same site and database on a second server with plain permalinks: REST only at /?rest_route=. */
  readonly plainUrl: string;
  /** Password of the `admin` user. */
  readonly adminPassword: string;
  /** Temp directory holding the MariaDB datadir and server logs. */
  readonly workDir: string;
  insert(specs: readonly PostSpec[]): Promise<PostRow[]>;
  update(id: number, changes: PostChanges): Promise<PostRow>;
  trash(id: number): Promise<PostRow>;
  /**
   * wp_untrash_post. Since WordPress 5.6 a restored post becomes a draft; `restorePreviousStatus` adds
   * core's wp_untrash_post_set_previous_status filter so it gets its status from before the trash.
   */
  untrash(id: number, options?: { restorePreviousStatus?: boolean }): Promise<PostRow>;
  /** Rewrites the post's ACF-like meta with update_post_meta only: its modified_gmt does not move. */
  setAcfMeta(id: number, acf: Record<string, unknown> | false): Promise<PostRow>;
  remove(id: number): Promise<void>;
  get(id: number): Promise<PostRow>;
  /** Creates terms (wp_insert_term), e.g. ones no post uses yet. */
  createTerms(taxonomy: string, names: readonly string[]): Promise<TermRow[]>;
  /** Renames a term (wp_update_term), found by its name. */
  renameTerm(taxonomy: string, name: string, to: string): Promise<TermRow>;
  /** Deletes a term (wp_delete_term): WordPress removes it from its posts too. */
  deleteTerm(taxonomy: string, name: string): Promise<number>;
  /**
   * Runs a PHP helper script (a file in test/wordpress/php, or an absolute path) against the site, with
   * `input` as JSON on stdin; returns the JSON it prints last.
   */
  php(script: string, input?: object): Promise<unknown>;
  /**
   * Defines constants in the site's wp-config.php for every later request and helper (e.g. WPKB_ENDPOINT);
   * `{}` removes them again.
   */
  setConfigConstants(constants: Readonly<Record<string, ConfigConstant>>): Promise<void>;
  /** Sets a WordPress option (update_option), e.g. the mu-plugin's `wpkb_test_profile`. */
  setOption(name: string, value: string): Promise<void>;
  /** Runs SQL against the site's database as MariaDB root; rows of tab-separated columns. */
  sql(query: string): Promise<string[][]>;
  /** Ids of the published posts of a post type, straight from MariaDB; password-protected ones only if asked. */
  publishedIds(type: string, options?: { withProtected?: boolean }): Promise<number[]>;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Progress messages (default: none). */
  log?: (message: string) => void;
}

type Run = (
  file: string,
  args: readonly string[],
  options?: { env?: NodeJS.ProcessEnv; input?: string },
) => Promise<string>;

const run: Run = (file, args, options = {}) =>
  new Promise((resolve, reject) => {
    const child = execFile(
      file,
      args,
      { env: options.env ?? process.env, maxBuffer: 32 * 1024 * 1024, timeout: 120_000 },
      (error, stdout, stderr) => {
        if (error) {
          const detail = `${stderr}`.trim() || `${stdout}`.trim() || error.message;
          reject(
            new Error(`${file} ${args.join(' ')}: ${detail.split('\n').slice(-5).join(' | ')}`, {
              cause: error,
            }),
          );
        } else {
          resolve(`${stdout}`);
        }
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });

/** Absolute path of a program, looking in PATH and the sbin directories (mysqld lives in /usr/sbin). */
function which(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}

interface Tools {
  php: string;
  mysqld: string;
  mysql: string;
  mysqladmin: string;
  mysqlInstallDb: string;
}

/** Fails with one message naming everything missing and how to fix it. */
function findTools(): Tools {
  const found = {
    php: which('php'),
    mysqld: which('mariadbd') ?? which('mysqld'),
    mysql: which('mariadb') ?? which('mysql'),
    mysqladmin: which('mariadb-admin') ?? which('mysqladmin'),
    mysqlInstallDb: which('mariadb-install-db') ?? which('mysql_install_db'),
  };
  const missing = Object.entries(found)
    .filter(([, path]) => path === undefined)
    .map(([name]) => name);
  if (!existsSync(join(WP_ROOT, 'wp-load.php'))) missing.push(`${WP_ROOT} (Debian package wordpress)`);
  if (missing.length) {
    throw new Error(`WordPress integration suite: missing ${missing.join(', ')}; ${SETUP_HINT}`);
  }
  try {
    accessSync(WP_CONFIG_DIR, constants.W_OK);
  } catch {
    throw new Error(
      `WordPress integration suite: ${WP_CONFIG_DIR} is not writable (the site config goes there); run as root`,
    );
  }
  return found as Tools;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function tail(file: string, lines = 8): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join(' | ');
  } catch {
    return '(no log)';
  }
}

/** Ends a process group we started (SIGTERM, then SIGKILL) and waits for its leader to exit. */
async function stopProcess(child: ChildProcess | undefined, graceMs = 10_000): Promise<void> {
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-(child.pid as number), sig);
    } catch {
      try {
        child.kill(sig);
      } catch {}
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export async function startWordPress(options: StartOptions = {}): Promise<WordPressSite> {
  const log = options.log ?? (() => {});
  const tools = findTools();
  const isRoot = process.getuid?.() === 0;
  const workDir = await mkdtemp(join(tmpdir(), 'wpkb-wp-'));
  const id = `${process.pid}-${randomBytes(3).toString('hex')}`;
  const configName = `wpkbtest-${id}`;
  const configFile = join(WP_CONFIG_DIR, `config-${configName}.php`);
  const datadir = join(workDir, 'mysql');
  const socket = join(workDir, 'mysqld.sock');
  const children: ChildProcess[] = [];
  let stopped = false;

  const killAllSync = () => {
    for (const child of children) {
      if (child.pid && child.exitCode === null) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {}
      }
    }
  };
  process.once('exit', killAllSync);

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const child of [...children].reverse()) await stopProcess(child);
    process.removeListener('exit', killAllSync);
    await rm(configFile, { force: true });
    await rm(workDir, { recursive: true, force: true });
    log('wordpress: stopped');
  };

  try {
    // --- MariaDB: private datadir and socket, no TCP port.
    const started = Date.now();
    const userArgs = isRoot ? ['--user=root'] : [];
    await run(tools.mysqlInstallDb, [
      '--no-defaults',
      `--datadir=${datadir}`,
      ...userArgs,
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
      '--skip-name-resolve',
    ]);
    const mysqldLog = join(workDir, 'mysqld.err');
    const mysqld = spawn(
      tools.mysqld,
      [
        '--no-defaults',
        `--datadir=${datadir}`,
        `--socket=${socket}`,
        `--pid-file=${join(workDir, 'mysqld.pid')}`,
        `--log-error=${mysqldLog}`,
        '--skip-networking',
        '--skip-log-bin',
        '--innodb-buffer-pool-size=32M',
        '--innodb-flush-log-at-trx-commit=2',
        '--character-set-server=utf8mb4',
        '--collation-server=utf8mb4_unicode_ci',
        ...userArgs,
      ],
      { detached: true, stdio: 'ignore' },
    );
    children.push(mysqld);
    const mysqlBase = ['--no-defaults', `--socket=${socket}`, '-uroot'];
    for (let attempt = 0; ; attempt++) {
      if (mysqld.exitCode !== null) throw new Error(`mysqld exited (${mysqld.exitCode}): ${tail(mysqldLog)}`);
      try {
        await run(tools.mysqladmin, [...mysqlBase, 'ping']);
        break;
      } catch (error) {
        if (attempt > 150)
          throw new Error(`mysqld did not answer within 30 s: ${tail(mysqldLog)}`, { cause: error });
        await sleep(200);
      }
    }
    const dbName = 'wpkb';
    const dbUser = 'wpkb';
    const dbPassword = randomBytes(12).toString('hex');
    await run(tools.mysql, [
      ...mysqlBase,
      '-e',
      `CREATE DATABASE ${dbName} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;` +
        `CREATE USER '${dbUser}'@'localhost' IDENTIFIED BY '${dbPassword}';` +
        `GRANT ALL PRIVILEGES ON ${dbName}.* TO '${dbUser}'@'localhost';`,
    ]);
    log(`wordpress: MariaDB ready in ${Date.now() - started} ms (socket ${socket})`);

    // --- Debian site config, chosen per request by WORDPRESS_CONFIG (set by the router and the CLI helpers).
    const extraConfigFile = join(workDir, 'wp-config-extra.php');
    let extraConfigMtime = 0;
    const config = `<?php
// Written by wpkb's WordPress integration suite (test/wordpress/harness.ts); removed when it stops.
define('DB_NAME', '${dbName}');
define('DB_USER', '${dbUser}');
define('DB_PASSWORD', '${dbPassword}');
define('DB_HOST', 'localhost:${socket}');
define('DB_CHARSET', 'utf8mb4');
$wpkb_host = isset($_SERVER['HTTP_HOST']) ? $_SERVER['HTTP_HOST'] : '127.0.0.1';
define('WP_HOME', 'http://' . $wpkb_host);
define('WP_SITEURL', 'http://' . $wpkb_host);
define('WPMU_PLUGIN_DIR', ${JSON.stringify(MU_PLUGIN_DIR)});
define('WP_PLUGIN_DIR', ${JSON.stringify(PLUGIN_ROOT)});
define('WP_PLUGIN_URL', 'http://' . $wpkb_host . '/wp-content/plugins');
// Constants a test sets with setConfigConstants() (what a site owner writes into wp-config.php).
if (is_file(${JSON.stringify(extraConfigFile)})) {
    require ${JSON.stringify(extraConfigFile)};
}
define('DISABLE_WP_CRON', true);
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_DEBUG', false);
define('WP_ENVIRONMENT_TYPE', 'local');
`;
    await writeFile(configFile, config, { mode: 0o644 });

    // --- PHP built-in servers.
    const serve = async (plain: boolean): Promise<string> => {
      for (let attempt = 0; ; attempt++) {
        const port = await freePort();
        const serverLog = join(workDir, `php-${plain ? 'plain' : 'pretty'}-${port}.log`);
        const out = openSync(serverLog, 'a');
        const child = spawn(
          tools.php,
          // revalidate_freq=0: a file a test rewrites (setConfigConstants) is never served from a stale opcache.
          [
            '-d',
            'opcache.revalidate_freq=0',
            '-S',
            `127.0.0.1:${port}`,
            '-t',
            WP_ROOT,
            join(PHP_DIR, 'router.php'),
          ],
          {
            detached: true,
            stdio: ['ignore', out, out],
            env: {
              ...process.env,
              PHP_CLI_SERVER_WORKERS: '4',
              WPKB_WP_CONFIG: configName,
              WPKB_WP_PLAIN: plain ? '1' : '0',
              WPKB_WP_PLUGIN_DIR: PLUGIN_ROOT,
            },
          },
        );
        children.push(child);
        const url = `http://127.0.0.1:${port}`;
        for (let wait = 0; wait < 100; wait++) {
          if (child.exitCode !== null) break;
          try {
            await axios.get(`${url}/wp-includes/version.php`, { timeout: 2000, validateStatus: () => true });
            return url;
          } catch {
            await sleep(100);
          }
        }
        await stopProcess(child);
        if (attempt >= 2) throw new Error(`php -S on ${url} did not start: ${tail(serverLog)}`);
      }
    };
    const url = await serve(false);
    const plainUrl = await serve(true);

    // --- Install WordPress into the fresh database.
    const adminPassword = randomBytes(12).toString('base64url');
    const phpEnv = (host: string): NodeJS.ProcessEnv => ({
      ...process.env,
      WPKB_WP_CONFIG: configName,
      WPKB_WP_HOST: host,
      WPKB_WP_ROOT: WP_ROOT,
      WPKB_WP_ADMIN_PASSWORD: adminPassword,
    });
    const host = new URL(url).host;
    const php = async (script: string, input?: object): Promise<unknown> => {
      const stdout = await run(tools.php, [isAbsolute(script) ? script : join(PHP_DIR, script)], {
        env: phpEnv(host),
        input: input === undefined ? '' : JSON.stringify(input),
      });
      const last = stdout.trim().split('\n').pop() ?? '';
      try {
        return JSON.parse(last);
      } catch (cause) {
        throw new Error(`php ${script}: expected JSON on stdout, got "${stdout.slice(0, 300)}"`, { cause });
      }
    };
    const installStarted = Date.now();
    await php('install.php');
    log(
      `wordpress: installed in ${Date.now() - installStarted} ms at ${url} (plain permalinks at ${plainUrl})`,
    );

    const sql = async (query: string): Promise<string[][]> => {
      const stdout = await run(tools.mysql, [
        ...mysqlBase,
        '--batch',
        '--skip-column-names',
        '-e',
        query,
        dbName,
      ]);
      return stdout
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => line.split('\t'));
    };

    const site: WordPressSite = {
      url,
      plainUrl,
      adminPassword,
      workDir,
      async insert(specs) {
        const result = (await php('posts.php', { op: 'insert', specs })) as { rows: PostRow[] };
        return result.rows;
      },
      async update(postId, changes) {
        return ((await php('posts.php', { op: 'update', id: postId, ...changes })) as { row: PostRow }).row;
      },
      async setAcfMeta(postId, acf) {
        return ((await php('posts.php', { op: 'set_acf', id: postId, acf })) as { row: PostRow }).row;
      },
      async trash(postId) {
        return ((await php('posts.php', { op: 'trash', id: postId })) as { row: PostRow }).row;
      },
      async untrash(postId, { restorePreviousStatus = false } = {}) {
        return (
          (await php('posts.php', { op: 'untrash', id: postId, restorePreviousStatus })) as { row: PostRow }
        ).row;
      },
      async remove(postId) {
        await php('posts.php', { op: 'delete', id: postId });
      },
      async get(postId) {
        return ((await php('posts.php', { op: 'get', id: postId })) as { row: PostRow }).row;
      },
      async createTerms(taxonomy, names) {
        return ((await php('posts.php', { op: 'create_terms', taxonomy, names })) as { terms: TermRow[] })
          .terms;
      },
      async renameTerm(taxonomy, name, to) {
        return ((await php('posts.php', { op: 'rename_term', taxonomy, name, to })) as { term: TermRow })
          .term;
      },
      async deleteTerm(taxonomy, name) {
        return ((await php('posts.php', { op: 'delete_term', taxonomy, name })) as { deleted: number })
          .deleted;
      },
      php,
      async setConfigConstants(constants) {
        const lines = Object.entries(constants).map(([name, value]) => {
          if (!/^[A-Z][A-Z0-9_]*$/.test(name))
            throw new Error(`setConfigConstants: bad constant name "${name}"`);
          const literal =
            typeof value === 'string'
              ? `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
              : String(value);
          return `define('${name}', ${literal});`;
        });
        if (lines.length === 0) {
          await rm(extraConfigFile, { force: true });
          return;
        }
        await writeFile(extraConfigFile, `<?php\n${lines.join('\n')}\n`, { mode: 0o644 });
        // opcache compares whole-second mtimes: make every rewrite look newer than the last one.
        extraConfigMtime = Math.max(Math.floor(Date.now() / 1000), extraConfigMtime + 1);
        await utimes(extraConfigFile, extraConfigMtime, extraConfigMtime);
      },
      async setOption(name, value) {
        await php('posts.php', { op: 'option', name, value });
      },
      sql,
      async publishedIds(type, { withProtected = false } = {}) {
        if (!/^[a-z0-9_-]+$/.test(type)) throw new Error(`publishedIds: bad post type "${type}"`);
        const password = withProtected ? '' : " AND post_password = ''";
        const rows = await sql(
          `SELECT ID FROM wp_posts WHERE post_type = '${type}' AND post_status = 'publish'${password} ORDER BY ID`,
        );
        return rows.map(([value]) => Number(value));
      },
      stop,
    };
    return site;
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
}
