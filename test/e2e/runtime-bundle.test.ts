import { mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BundledHandler,
  bundleHandler,
  originOf,
  REPO_ROOT,
  staticOutputs,
} from '../../benchmarks/coldstart/bundle-handler.js';
import type { ProbeResult } from '../../benchmarks/coldstart/probe/protocol.js';
import { prepareProbe, runProbe, sdkEvaluated, writeProbeInput } from '../../benchmarks/coldstart/probe/run-probe.js';
import { KinesisEventFactory, kplAggregate } from '../factories/index.js';

/**
 * What a Lambda bundle of a one-processor handler (everything imported from the `shardflow` entry) holds and
 * what importing it evaluates: esbuild with the deploy bundler's options, then a fresh `node` process that
 * imports the bundle and invokes it, with module hooks recording every chunk it loads. Sizes and module
 * lists only — nothing here depends on timing.
 */

const HANDLER = 'test/e2e/fixtures/runtime-bundle/orders-handler.ts';
const ZIP_LIMIT_BYTES = 450 * 1024;
const TOOLING_FOLDERS = ['src/local/', 'src/deploy/', 'src/cli/', 'benchmarks/'];
const TOOLING_PACKAGES = ['kinesalite', 's3rver', 'amplify-dynamodb-simulator', 'esbuild', 'commander', 'tsx'];
/** Heavy at import and not needed by a function: pino (the logger writes pino's format itself), protobufjs. */
const COLD_START_PACKAGES = ['pino', 'thread-stream', 'sonic-boom', 'protobufjs', 'aws-kinesis-agg'];

let dir: string;
let bundle: BundledHandler;
let deployed: BundledHandler;
let probeFile: string;

/** Imports the bundle in a fresh traced process and invokes it with `event`. */
async function importAndInvoke(name: string, event: unknown, env?: Record<string, string>): Promise<ProbeResult> {
  const inputFile = join(dir, `${name}.json`);
  await writeProbeInput(inputFile, event);
  const traceFile = join(dir, `${name}.trace`);
  return runProbe({ probeFile, entry: bundle.entry, inputFile, cwd: dir, traceFile, ...(env ? { env } : {}) });
}

function clientsOf(packages: readonly string[]): string[] {
  return [...new Set(packages.filter((name) => name.startsWith('@aws-sdk/client-')))];
}

beforeAll(async () => {
  // Arrange: the deploy bundler's options (the SDK from the Lambda runtime), and with bundleAwsSdk: true, whose
  // lazy chunks show which client a record loads.
  dir = await mkdtemp(join(tmpdir(), 'shardflow-runtime-bundle-'));
  await symlink(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  bundle = await bundleHandler(HANDLER, join(dir, 'sdk-bundled'), 'sdk-bundled');
  deployed = await bundleHandler(HANDLER, join(dir, 'deploy'), 'deploy');
  probeFile = await prepareProbe(join(dir, 'probe'));
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a Lambda bundle of a handler importing from the shardflow entry', () => {
  it('contains no local, deploy, CLI or benchmark module, no emulator or tooling package, no pino', () => {
    // Act
    const inputs = Object.keys(bundle.metafile.inputs).map((input) => relative(REPO_ROOT, join(REPO_ROOT, input)));
    const packages = new Set(inputs.filter((input) => input.includes('node_modules/')).map(originOf));
    // Assert
    expect(inputs.some((input) => input.startsWith('src/runtime/'))).toBe(true);
    expect(inputs.filter((input) => TOOLING_FOLDERS.some((folder) => input.startsWith(folder)))).toEqual([]);
    expect(TOOLING_PACKAGES.filter((name) => packages.has(name))).toEqual([]);
    expect(COLD_START_PACKAGES.filter((name) => packages.has(name))).toEqual([]);
  });

  it('keeps every SDK client out of the chunks evaluated at import', () => {
    // Act
    const statics = new Set(staticOutputs(bundle.metafile));
    const staticInputs = Object.entries(bundle.metafile.outputs)
      .filter(([output]) => statics.has(output))
      .flatMap(([, output]) => Object.keys(output.inputs));
    // Assert
    expect(clientsOf(staticInputs.map(originOf))).toEqual([]);
    expect(clientsOf(Object.keys(bundle.metafile.inputs).map(originOf))).toContain('@aws-sdk/client-sqs');
  });

  it('keeps the idempotency store, and the Node built-ins only rare paths need, out of the chunks evaluated at import', () => {
    // Arrange: node:crypto alone costs ~2.5 ms of a cold start (see src/runtime/lazy-builtins.ts)
    const statics = new Set(staticOutputs(deployed.metafile));
    const staticOutputsOfBundle = Object.entries(deployed.metafile.outputs).filter(([output]) => statics.has(output));

    // Act
    const inputs = staticOutputsOfBundle.flatMap(([, output]) => Object.keys(output.inputs));
    const builtins = staticOutputsOfBundle.flatMap(([, output]) =>
      output.imports.filter((i) => i.kind === 'import-statement' && i.path.startsWith('node:')).map((i) => i.path),
    );

    // Assert
    expect(inputs.filter((input) => input.includes('processing/idempotency/dynamodb-store'))).toEqual([]);
    expect([...new Set(builtins)].filter((name) => name !== 'node:module' && name !== 'node:events')).toEqual([]);
  });

  it('evaluates no @aws-sdk/client-* module at import, nor for a batch whose records all succeed', async () => {
    // Arrange
    const kinesis = new KinesisEventFactory({ streamName: 'orders' });
    const event = kinesis.event([
      { json: { orderId: 'o-1', quantity: 2 }, partitionKey: 'c-1' },
      {
        bytes: kplAggregate([
          { json: { orderId: 'o-2', quantity: 1 }, partitionKey: 'c-2' },
          { json: { orderId: 'o-3', quantity: 5 }, partitionKey: 'c-3' },
        ]),
        partitionKey: 'c-2',
      },
    ]);
    // Act
    const result = await importAndInvoke('valid', event);
    // Assert
    const loaded = result.modulesLoaded!;
    expect(result.failures).toBe(0);
    expect(loaded.atImport.some((url) => url.endsWith('/sdk-bundled/index.mjs'))).toBe(true);
    expect(clientsOf(sdkEvaluated(bundle, loaded.atImport, result.sdkInRequireCache.atImport))).toEqual([]);
    expect(clientsOf(sdkEvaluated(bundle, loaded.afterInvoke, result.sdkInRequireCache.afterInvoke))).toEqual([]);
  });

  it('loads the SQS client, and only it, when a record has to be quarantined', async () => {
    // Arrange: the quarantine write goes to a closed local port and fails, so the record is reported for retry.
    const kinesis = new KinesisEventFactory({ streamName: 'orders' });
    const event = kinesis.event([{ json: { orderId: 'o-4', quantity: -1 }, partitionKey: 'c-4' }]);
    const offline = {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      AWS_MAX_ATTEMPTS: '1',
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    // Act
    const result = await importAndInvoke('invalid', event, offline);
    // Assert
    const loaded = result.modulesLoaded!;
    expect(clientsOf(sdkEvaluated(bundle, loaded.atImport, result.sdkInRequireCache.atImport))).toEqual([]);
    expect(clientsOf(sdkEvaluated(bundle, loaded.afterInvoke, result.sdkInRequireCache.afterInvoke))).toEqual([
      '@aws-sdk/client-sqs',
    ]);
    expect(result.failures).toBe(1);
  });

  it("zips to at most 450 KiB with the deploy bundler's options (the SDK comes from the Lambda runtime)", async () => {
    // Act
    const files = await readdir(deployed.dir, { recursive: true });
    const zip = await readFile(`${deployed.dir}.zip`);
    // Assert
    expect(files).toContain('index.mjs');
    expect(zip.length).toBe(deployed.zipBytes);
    expect(deployed.zipBytes).toBeLessThanOrEqual(ZIP_LIMIT_BYTES);
  });
});
