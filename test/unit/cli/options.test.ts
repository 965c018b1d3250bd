import { InvalidArgumentError } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { exitOnError } from '../../../bin/exit-on-error.js';
import { bedrockId, choice, commaList, httpUrl, instant, integer, sessionId } from '../../../bin/options.js';
import { ConfigError } from '../../../functions/core/shared/errors.js';
import { LocalIndexMissingError } from '../../../functions/local/knowledge-base/index-file.js';

describe('shared option parsers', () => {
  it('integer: whole numbers within the bounds, the bounds named otherwise', () => {
    const k = integer(1, 100);
    expect(k('1')).toBe(1);
    expect(k('100')).toBe(100);
    for (const bad of ['0', '101', '2.5', 'five', '']) {
      expect(() => k(bad)).toThrow(new InvalidArgumentError('expected an integer from 1 to 100'));
    }
    expect(() => integer(1, 900, 'seconds')('0')).toThrow('expected an integer from 1 to 900 (seconds)');
  });

  it('choice, commaList, httpUrl, instant, bedrockId, sessionId', () => {
    expect(choice(['local', 'bedrock'] as const)('bedrock')).toBe('bedrock');
    expect(() => choice(['local', 'bedrock'] as const)('cloud')).toThrow('expected one of local, bedrock');
    expect(commaList('content types')(' event, ,stores ')).toEqual(['event', 'stores']);
    expect(() => commaList('content types')(' , ')).toThrow(
      'expected a comma-separated list of content types',
    );
    expect(httpUrl('https://mall.example.cl//')).toBe('https://mall.example.cl');
    expect(() => httpUrl('mall.example.cl')).toThrow('expected an http(s) URL');
    expect(instant('2026-03-07T15:00:00-03:00')).toBe('2026-03-07T15:00:00-03:00');
    expect(() => instant('mañana')).toThrow(/expected an ISO date-time/);
    expect(bedrockId('ABCDE12345')).toBe('ABCDE12345');
    expect(() => bedrockId('ABCDE1234')).toThrow('expected a Bedrock id (10 letters or digits)');
    expect(sessionId('web-1')).toBe('web-1');
    expect(() => sessionId('x')).toThrow('expected 2-100 letters, digits or . _ : -');
  });
});

describe('exitOnError', () => {
  afterEach(() => {
    process.exitCode = undefined;
    vi.restoreAllMocks();
  });

  /** What the action prints on stderr. */
  const stderrLines = (): string[] => {
    const lines: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: string) => void lines.push(line));
    return lines;
  };

  it('turns what an action throws into one line on stderr and exit code 1', async () => {
    const lines = stderrLines();
    await exitOnError(async () => {
      throw new ConfigError('config key site.url:\n  must be a URL');
    })();
    expect(lines).toEqual(['wpkb: failed: config key site.url: must be a URL']);
    expect(process.exitCode).toBe(1);
  });

  it('prints advice as it is, and leaves a successful action alone', async () => {
    const lines = stderrLines();
    await exitOnError(async () => {
      throw new LocalIndexMissingError('no local index at .wpkb: run npm start first');
    })();
    expect(lines).toEqual(['wpkb: no local index at .wpkb: run npm start first']);
    process.exitCode = undefined;
    let ran = false;
    await exitOnError(async (n: number) => {
      ran = n === 2;
    })(2);
    expect(ran).toBe(true);
    expect(process.exitCode).toBeUndefined();
  });
});
