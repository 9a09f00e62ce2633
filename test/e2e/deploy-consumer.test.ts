import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWS_SAMPLE_KINESIS_EVENT } from '../factories/index.js';
import { invokePackagedBundle } from './fixtures/deploy/run-bundle.js';
import { cfnLintErrors, FIXTURES, REPO_ROOT, type Template } from './fixtures/deploy/run-osls.js';
import { type ConsumerProject, createConsumerProject } from './helpers/consumer-project.js';
import type { CommandResult } from './helpers/run-command.js';

/**
 * The Serverless plugin as a user gets it: shardflow packed as `npm publish` would, installed with osls into a
 * fresh project outside the repository, whose own serverless.yml (its own function, resource, package patterns)
 * says `plugins: [shardflow/serverless]`. `osls package`, `print` and `invoke local` run there offline — the
 * compiled plugin and hooks from node_modules/shardflow/dist, not this repository's sources.
 */

const FILES: Readonly<Record<string, string>> = {
  'shardflow.config.ts': `import { defineConfig, defineProcessor } from 'shardflow';
import { z } from 'zod';

const greetings = defineProcessor({ name: 'greetings', schema: z.string(), format: 'text', process() {} });

export default defineConfig({
  service: 'greeter',
  processors: [greetings],
  streams: {
    greetings: {
      source: { type: 'kinesis', stream: 'greetings', create: true },
      startingPosition: 'TRIM_HORIZON',
      maxRetries: 3,
      onFailure: { type: 'sqs', queue: 'greetings-failures' },
      routes: [{ processor: 'greetings' }],
    },
  },
});
`,
  'serverless.yml': `service: greeter
frameworkVersion: ">=3"
provider:
  name: aws
  stage: \${opt:stage, 'dev'}
  runtime: nodejs24.x
  architecture: arm64
plugins:
  - shardflow/serverless
custom:
  shardflow:
    config: shardflow.config.ts
package:
  individually: true
  patterns: ["!**", "handlers/**"]
  excludeDevDependencies: false
functions:
  hello:
    handler: handlers/hello.handler
resources:
  Resources:
    AlertsTopic:
      Type: AWS::SNS::Topic
      Properties:
        TopicName: greeter-alerts-\${sls:stage}
`,
  'handlers/package.json': '{ "type": "module" }\n',
  'handlers/hello.js': 'export const handler = async () => ({ hello: "world" });\n',
  'event.json': JSON.stringify(AWS_SAMPLE_KINESIS_EVENT),
};

describe('plugins: [shardflow/serverless] in a user’s own serverless.yml (packed shardflow, osls from npm)', () => {
  let project: ConsumerProject;
  let packaged: CommandResult;
  let template: Template;
  let home: string;

  const osls = (args: readonly string[]) =>
    project.run(process.execPath, [join(project.dir, 'node_modules', 'osls', 'bin', 'serverless.js'), ...args]);

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'shardflow-consumer-home-'));
    project = await createConsumerProject({
      packages: ['zod@4', 'osls@4.3.1'],
      env: {
        HOME: home,
        SLS_TELEMETRY_DISABLED: '1',
        SLS_NOTIFICATIONS_MODE: 'off',
        NODE_OPTIONS: `--require ${join(REPO_ROOT, FIXTURES, 'no-network.cjs')}`,
        AWS_ACCESS_KEY_ID: '',
        AWS_SECRET_ACCESS_KEY: '',
      },
    });
    await project.write(FILES);
    packaged = await osls(['package', '--stage', 'dev']);
    if (packaged.code === 0) {
      template = JSON.parse(
        await readFile(join(project.dir, '.serverless', 'cloudformation-template-update-stack.json'), 'utf8'),
      ) as Template;
    }
  }, 600_000);

  afterAll(async () => {
    await project?.remove();
    if (home !== undefined) await rm(home, { recursive: true, force: true });
  });

  it('packages offline: the user’s function and resource kept, the stream’s function, mapping and role added', () => {
    // Assert
    expect(packaged.code, packaged.stdout + packaged.stderr).toBe(0);
    expect(`${packaged.stdout}${packaged.stderr}`).toContain('shardflow: bundled 1 function(s) for stage dev');
    expect(template.Resources.HelloLambdaFunction?.Properties.Handler).toBe('handlers/hello.handler');
    expect(template.Resources.AlertsTopic?.Properties.TopicName).toBe('greeter-alerts-dev');
    expect(template.Resources.GreetingsLambdaFunction?.Properties).toMatchObject({
      FunctionName: 'greeter-dev-greetings',
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Role: { 'Fn::GetAtt': ['GreetingsExecutionRole', 'Arn'] },
    });
    expect(template.Resources.GreetingsEventSourceMapping?.Properties).toMatchObject({
      MaximumRetryAttempts: 3,
      MetricsConfig: { Metrics: ['EventCount'] },
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['GreetingsFailuresQueue', 'Arn'] } } },
    });
  });

  it('has a template cfn-lint finds no error in', async () => {
    // Act
    const errors = await cfnLintErrors(join(project.dir, '.serverless', 'cloudformation-template-update-stack.json'));

    // Assert
    if (errors !== undefined) expect(errors).toEqual([]);
  });

  it('ships a stream bundle that plain node runs with the template’s environment', async () => {
    // Act
    const invocation = await invokePackagedBundle(
      join(project.dir, '.serverless', 'greetings.zip'),
      AWS_SAMPLE_KINESIS_EVENT,
      template.Resources.GreetingsLambdaFunction!.Properties.Environment.Variables,
    );

    // Assert
    expect(invocation.error, invocation.output).toBeUndefined();
    expect(invocation.result).toEqual({ batchItemFailures: [] });
  });

  it('osls print shows both functions; osls invoke local runs the stream’s bundle and the user’s function', async () => {
    // Act
    const printed = await osls(['print', '--stage', 'dev']);
    const stream = await osls(['invoke', 'local', '-f', 'greetings', '-p', 'event.json']);
    // With neither -p nor -d, invoke local reads the event from stdin.
    const hello = await osls(['invoke', 'local', '-f', 'hello', '-d', '{}']);
    await writeFile(join(project.dir, 'osls-output.log'), `${printed.stdout}\n${stream.stdout}\n${hello.stdout}`);

    // Assert
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout).toMatch(/^ {2}hello:$/m);
    expect(printed.stdout).toMatch(/^ {2}greetings:\n {4}name: greeter-dev-greetings$/m);
    expect(stream.code, stream.stdout + stream.stderr).toBe(0);
    expect(stream.stdout).toContain('"batchItemFailures": []');
    expect(hello.code, hello.stderr).toBe(0);
    expect(hello.stdout).toContain('"hello": "world"');
  }, 120_000);
});
