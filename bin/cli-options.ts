import { InvalidArgumentError } from 'commander';

/** `--types a,b`: a non-empty list of names. */
export const typeList = (value: string): string[] => {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!names.length) throw new InvalidArgumentError('expected a comma-separated list of content types');
  return names;
};

/** `--wp-url`: an http(s) URL, without trailing slashes. */
export const httpUrl = (value: string): string => {
  if (!/^https?:\/\/[^\s]+$/.test(value)) throw new InvalidArgumentError('expected an http(s) URL');
  return value.replace(/\/+$/, '');
};
