import { StorageError } from '../shared/errors.js';

/**
 * Portable object keys: what every adapter accepts, so that anything written to the bucket can be
 * mirrored in a local directory and back.
 *
 * A key is one or more `/`-separated segments; each segment is non-empty and is neither `.` nor `..`;
 * no backslashes, no NUL, no leading `/`; at most 1024 UTF-8 bytes (S3's limit).
 * The last segment must not end in `.<digits>`: that is how write-file-atomic names its temp files
 * (`<name>.<uint32>`), and the local adapter must be able to tell a crashed write's leftover from an
 * object without guessing.
 */
export function keyProblem(key: string): string | undefined {
  if (key.length === 0) return 'is empty';
  if (Buffer.byteLength(key, 'utf8') > 1024) return 'is longer than 1024 bytes';
  if (key.startsWith('/')) return 'is absolute (starts with "/")';
  if (/^[A-Za-z]:/.test(key)) return 'is absolute (starts with a drive letter)';
  if (key.includes('\\')) return 'contains a backslash';
  if (key.includes('\0')) return 'contains a NUL character';
  const segments = key.split('/');
  for (const segment of segments) {
    if (segment === '') return 'has an empty segment ("//" or a trailing "/")';
    if (segment === '.' || segment === '..') return `has a "${segment}" segment`;
  }
  const last = segments[segments.length - 1] ?? '';
  if (/\.\d+$/.test(last)) return 'ends in ".<digits>", reserved for temp files of atomic writes';
  return undefined;
}

/** Throws a StorageError naming the key when it is not a portable key (see keyProblem). */
export function assertValidKey(key: string, location: string): void {
  const problem = keyProblem(key);
  if (problem !== undefined) {
    throw new StorageError(`Invalid storage key ${JSON.stringify(key)} in ${location}: it ${problem}`, key);
  }
}

/**
 * A list prefix is a plain string prefix, as on S3 (`kb/` lists `kb/…`, `kb` also lists `kbx/…`).
 * Empty means everything. It follows the key rules, except that its last segment may be empty
 * (a trailing `/`) or partial.
 */
export function assertValidPrefix(prefix: string, location: string): void {
  if (prefix === '') return;
  const problem =
    prefix.startsWith('/') || /^[A-Za-z]:/.test(prefix)
      ? 'is absolute'
      : prefix.includes('\\')
        ? 'contains a backslash'
        : prefix.includes('\0')
          ? 'contains a NUL character'
          : prefix
                .split('/')
                .slice(0, -1)
                .some((s) => s === '' || s === '.' || s === '..')
            ? 'has an empty, "." or ".." segment'
            : undefined;
  if (problem !== undefined) {
    throw new StorageError(
      `Invalid storage prefix ${JSON.stringify(prefix)} in ${location}: it ${problem}`,
      prefix,
    );
  }
}

/** S3's listing order: by the keys' UTF-8 bytes (differs from JS string order for astral characters). */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
