import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWS_SAMPLE_DYNAMODB_EVENT, AWS_SAMPLE_KINESIS_EVENT } from '../../src/local/testing/index.js';
import { type ConsumerProject, createConsumerProject } from './helpers/consumer-project.js';
import { packShardflow } from './helpers/pack-shardflow.js';
import type { CommandResult } from './helpers/run-command.js';
import { runCommand } from './helpers/run-command.js';
import { diagnostics, unexpectedWithoutNodeTypes } from './helpers/tsc-diagnostics.js';

/**
 * The proof that shardflow works in a user's own service: the repository is packed as `npm publish` would,
 * installed into a fresh project outside the repository with only zod and TypeScript beside it, and used
 * there the documented way — a service written against the public entry points, compiled by the project's own
 * strict `tsc`, its handler run from plain `node` on AWS's sample events, `shardflow validate` and
 * `shardflow invoke` on its own config; then the service `shardflow init` scaffolds, installed from the same
 * tarball, passes its own `npm test` and runs `shardflow dev`. (Bundling the documented way — the
 * `shardflow/serverless` plugin in the project's own serverless.yml, `osls package`, the bundle run from plain
 * node — is `deploy-consumer.test.ts`.) Nothing here may reach AWS: every command gets throwaway credentials
 * and an `AWS_ENDPOINT_URL` on a closed loopback port.
 */

/** The user's service (what docs/using-shardflow.md walks through). */
const SERVICE_FILES: Readonly<Record<string, string>> = {
  'tsconfig.json': JSON.stringify({
    compilerOptions: {
      target: 'ES2023',
      lib: ['ES2023'],
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      exactOptionalPropertyTypes: true,
      noPropertyAccessFromIndexSignature: true,
      noUncheckedIndexedAccess: true,
      skipLibCheck: false,
      types: [],
      outDir: 'build',
      rootDir: '.',
    },
    include: ['shardflow.config.ts', 'src'],
  }),
  'src/schemas/item.ts': `import { z } from 'zod';

/** The items of AWS's sample DynamoDB Streams event: { Id: number, Message: string }. */
export const Item = z.object({ Id: z.number().int(), Message: z.string() });
export type Item = z.infer<typeof Item>;
`,
  'src/processors/item-changes.ts': `import { defineProcessor, PermanentError } from 'shardflow';
import { Item } from '../schemas/item.js';

export const seen: string[] = [];

export default defineProcessor({
  name: 'item-changes',
  schema: Item,
  async process(item, ctx) {
    if (item.Message === '') throw new PermanentError('an item without a message');
    const before: string | undefined = ctx.previous?.Message;
    seen.push(\`\${ctx.record.source}:\${item.Id}:\${before ?? '-'}→\${item.Message}\`);
  },
});
`,
  'src/processors/greetings.ts': `import { defineProcessor } from 'shardflow';
import { z } from 'zod';

/** AWS's sample Kinesis event carries plain text ("Hello, this is a test."). */
export default defineProcessor({
  name: 'greetings',
  schema: z.string().min(1),
  format: 'text',
  async process(text, ctx) {
    ctx.logger.debug({ length: text.length }, 'greeting');
  },
});
`,
  'shardflow.config.ts': `import { defineConfig } from 'shardflow';
import greetings from './src/processors/greetings.js';
import itemChanges from './src/processors/item-changes.js';

export default defineConfig({
  service: 'consumer-service',
  processors: [greetings, itemChanges],
  streams: {
    greetings: {
      source: { type: 'kinesis', stream: 'lambda-stream', create: true },
      startingPosition: 'TRIM_HORIZON',
      maxRetries: 3,
      onFailure: { type: 'sqs', queue: 'greetings-failures' },
      routes: [{ processor: 'greetings' }],
    },
    items: {
      source: { type: 'dynamodb', table: 'ExampleTableWithStream', keySchema: { partitionKey: 'Id' }, create: true },
      startingPosition: 'TRIM_HORIZON',
      maxRetries: 3,
      onFailure: { type: 'sqs', queue: 'items-failures' },
      routes: [{ match: { eventName: ['INSERT', 'MODIFY', 'REMOVE'] }, processor: 'item-changes' }],
    },
  },
});
`,
  'src/handlers.ts': `import { createHandler } from 'shardflow';
import config from '../shardflow.config.js';

export const greetings = createHandler(config, 'greetings');
export const items = createHandler(config, 'items');
`,
  'events/kinesis-sample.json': JSON.stringify(AWS_SAMPLE_KINESIS_EVENT, null, 2),
  'events/dynamodb-sample.json': JSON.stringify(AWS_SAMPLE_DYNAMODB_EVENT, null, 2),
  // Runs a compiled (or bundled) handler module on an event file, as the Lambda runtime would.
  'run-handler.mjs': `import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
const [modulePath, exportName, eventFile] = process.argv.slice(2);
const module = await import(pathToFileURL(modulePath).href);
const event = JSON.parse(await readFile(eventFile, 'utf8'));
const context = {
  awsRequestId: 'consumer-test', functionName: exportName, invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:' + exportName,
  getRemainingTimeInMillis: () => 30000,
};
const response = await module[exportName](event, context);
console.log(JSON.stringify(response));
`,
};

/** Throwaway credentials and a closed loopback endpoint: an SDK call that slipped through fails, never reaches AWS. */
const OFFLINE_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'consumer-test',
  AWS_SECRET_ACCESS_KEY: 'consumer-test',
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  AWS_PROFILE: '',
  LOG_LEVEL: 'warn',
};

/** The last non-empty line a command printed. */
function lastLine(output: string): string {
  return output.trimEnd().split('\n').at(-1) ?? '';
}

let project: ConsumerProject;
/** The project's own `tsc -p tsconfig.json` (it emits build/ even with the third-party diagnostics). */
let compiled: CommandResult;

beforeAll(async () => {
  project = await createConsumerProject({ packages: ['zod@4', 'typescript@7'], env: OFFLINE_ENV });
  await project.write(SERVICE_FILES);
  compiled = await project.runBin('typescript', 'tsc', ['-p', 'tsconfig.json']);
}, 600_000);

afterAll(async () => {
  await project?.remove();
});

describe('shardflow installed into a fresh project (npm pack → npm install)', () => {
  it("compiles the user's service with the project's own strict tsc, no @types installed", async () => {
    // Act
    const installed = await project.run('npm', ['ls', '--depth=0', '--json']);
    const direct = Object.keys((JSON.parse(installed.stdout) as { dependencies: object }).dependencies).sort();

    // Assert
    expect(direct).toEqual(['shardflow', 'typescript', 'zod']);
    // Only zod's own `URL` references fail without Node's types (see tsc-diagnostics.ts); nothing of shardflow's.
    const output = compiled.stdout + compiled.stderr;
    expect(unexpectedWithoutNodeTypes(output), output).toEqual([]);
    expect(compiled.code === 0 || diagnostics(output).length > 0, output).toBe(true);
  });

  it("runs the compiled handlers from plain node on AWS's sample Kinesis and DynamoDB Streams events", async () => {
    // Act
    const kinesis = await project.run(process.execPath, [
      'run-handler.mjs',
      'build/src/handlers.js',
      'greetings',
      'events/kinesis-sample.json',
    ]);
    const dynamodb = await project.run(process.execPath, [
      'run-handler.mjs',
      'build/src/handlers.js',
      'items',
      'events/dynamodb-sample.json',
    ]);

    // Assert: the response is the last line; the handler's log lines (and EMF metrics) come before it, as in Lambda.
    expect(kinesis.stderr).toBe('');
    expect(JSON.parse(lastLine(kinesis.stdout))).toEqual({ batchItemFailures: [] });
    expect(dynamodb.stderr).toBe('');
    expect(JSON.parse(lastLine(dynamodb.stdout))).toEqual({ batchItemFailures: [] });
  });

  it("shardflow validate checks the project's own config and its deploy", async () => {
    // Act
    const result = await project.runBin('shardflow', 'shardflow', ['validate', '--stage', 'prod']);

    // Assert
    expect(result.stderr).not.toMatch(/Error/);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/greetings/);
    expect(result.stdout).toMatch(/items/);
  });

  it("shardflow invoke runs a stream's handler on an event file of the project", async () => {
    // Act
    const kinesis = await project.runBin('shardflow', 'shardflow', [
      'invoke',
      'greetings',
      '--event',
      'events/kinesis-sample.json',
    ]);
    const dynamodb = await project.runBin('shardflow', 'shardflow', [
      'invoke',
      'items',
      '--event',
      'events/dynamodb-sample.json',
    ]);

    // Assert
    expect(kinesis.code).toBe(0);
    expect(JSON.parse(kinesis.stdout)).toEqual({ batchItemFailures: [] });
    expect(dynamodb.code).toBe(0);
    expect(JSON.parse(dynamodb.stdout)).toEqual({ batchItemFailures: [] });
  });
});

/**
 * Runs `shardflow dev` in `cwd` until it prints its ready line, then stops it as a user does (Ctrl-C) and
 * resolves with what it printed and its exit code. Waits for the output, never for a duration.
 */
function devUntilReady(
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(cwd, 'node_modules', 'shardflow', 'bin', 'shardflow.js'), 'dev'], {
      cwd,
      env: { ...env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let stopped = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (!stopped && /^ready: /m.test(stdout)) {
        stopped = true;
        child.kill('SIGINT');
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the service `shardflow init` scaffolds, installed from the packed tarball', () => {
  let service: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    // Arrange: `npx shardflow init` from the consumer project, the scaffold depending on the same tarball.
    const tarball = await packShardflow();
    env = { ...process.env, ...OFFLINE_ENV, NO_COLOR: '1' };
    service = join(project.dir, 'orders-service');
    await project.runBin('shardflow', 'shardflow', ['init', 'orders-service', '--shardflow', `file:${tarball}`]);
    await runCommand('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], {
      cwd: service,
      env,
      check: true,
    });
  }, 600_000);

  it('passes its own npm test and typecheck right after npm install', async () => {
    // Act
    const tests = await runCommand('npm', ['test'], { cwd: service, env });
    const typecheck = await runCommand('npm', ['run', 'typecheck'], { cwd: service, env });

    // Assert
    expect(tests.code, tests.stdout + tests.stderr).toBe(0);
    expect(tests.stdout).toMatch(/Tests\s+\d+ passed/);
    expect(typecheck.code, typecheck.stdout + typecheck.stderr).toBe(0);
  });

  it('runs `npx shardflow dev`: both streams on local emulators, then stops cleanly on Ctrl-C', async () => {
    // Act
    const dev = await devUntilReady(service, env);

    // Assert
    expect(dev.stdout).toMatch(/^ready: 2 stream\(s\) running/m);
    expect(dev.stdout).toMatch(/order-events/);
    expect(dev.code, dev.stdout + dev.stderr).toBe(0);
  });
});
