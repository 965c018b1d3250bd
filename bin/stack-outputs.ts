import { readFileSync } from 'node:fs';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { loadConfig } from '../functions/core/shared/config/load.js';
import { oneLine, WpkbError } from '../functions/core/shared/errors.js';
import { readCdkContext } from './cdk-context.js';

export interface StackOutputsSource {
  /** A `cdk deploy --outputs-file` file instead of asking CloudFormation. */
  outputsFile?: string;
  /** Stack name (default `wpkb-<env>`). */
  stack?: string;
  /** Environment (default: the configured one). */
  env?: string;
  region?: string;
}

/**
 * A deployed stack's outputs, by name: from a `cdk deploy --outputs-file` file, else CloudFormation's
 * DescribeStacks on `wpkb-<env>`. `from` says where they came from, for error messages.
 */
export async function readStackOutputs(
  source: StackOutputsSource,
): Promise<{ outputs: Record<string, string>; from: string }> {
  if (source.outputsFile) {
    const file = JSON.parse(readFileSync(source.outputsFile, 'utf8')) as Record<
      string,
      Record<string, string>
    >;
    const stacks = Object.keys(file);
    const name = source.stack ?? (stacks.length === 1 ? stacks[0] : undefined);
    if (!name || !file[name])
      throw new WpkbError(
        `${source.outputsFile}: name the stack with --stack (it has: ${stacks.join(', ') || 'none'})`,
      );
    return { outputs: file[name], from: `${source.outputsFile} (${name})` };
  }
  const env = source.env ?? loadConfig({ context: readCdkContext(), env: process.env }).env;
  const stack = source.stack ?? `wpkb-${env}`;
  const cfn = new CloudFormationClient(source.region ? { region: source.region } : {});
  const result = await cfn.send(new DescribeStacksCommand({ StackName: stack })).catch((cause: unknown) => {
    throw new WpkbError(`cannot read the outputs of stack ${stack}: ${oneLine(cause)}`, { cause });
  });
  const outputs = Object.fromEntries(
    (result.Stacks?.[0]?.Outputs ?? []).flatMap((o) =>
      o.OutputKey && o.OutputValue ? [[o.OutputKey, o.OutputValue]] : [],
    ),
  );
  return { outputs, from: `stack ${stack}` };
}
