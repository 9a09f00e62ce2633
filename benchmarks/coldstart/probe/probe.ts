/**
 * One cold start, in a fresh `node` process: `probe.mjs <bundle>/index.mjs <input.json> [<trace file>]`.
 * Times `await import(bundle)` and the first invocation of its `handler` with the input's batch (wall-clock
 * and CPU time), then
 * prints a {@link ProbeResult} as one JSON line. Bundled on its own (it imports nothing but Node built-ins),
 * so nothing of the handler is loaded before the timed import. With a trace file, module hooks record
 * every ES module loaded (they slow loading down: traced runs are never timed runs).
 */
import { readFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { ProbeInput, ProbeResult } from './protocol.js';

const [bundle, inputFile, traceFile] = process.argv.slice(2);
if (bundle === undefined || inputFile === undefined)
  throw new Error('usage: probe.mjs <index.mjs> <input.json> [trace]');

const require = createRequire(import.meta.url);
const sdkInRequireCache = () =>
  [
    ...new Set(
      Object.keys(require.cache).flatMap(
        (file) => /[\\/]node_modules[\\/](@aws-sdk[\\/][^\\/]+)/.exec(file)?.[1] ?? [],
      ),
    ),
  ]
    .map((name) => name.replace('\\', '/'))
    .sort();
const modulesLoaded = () =>
  traceFile === undefined
    ? []
    : readFileSync(traceFile, 'utf8')
        .split('\n')
        .filter((line) => line !== '');

if (traceFile !== undefined) {
  register(new URL('./trace-hooks.mjs', import.meta.url), { data: { traceFile } });
}

const cpuMs = (since: NodeJS.CpuUsage) => {
  const { user, system } = process.cpuUsage(since);
  return (user + system) / 1000;
};

const importCpu = process.cpuUsage();
const started = performance.now();
const module = (await import(pathToFileURL(bundle).href)) as {
  handler(event: unknown, context: unknown): Promise<{ batchItemFailures?: unknown[] }>;
};
const importMs = performance.now() - started;
const importCpuMs = cpuMs(importCpu);
const atImport = { sdk: sdkInRequireCache(), modules: modulesLoaded() };

const input = JSON.parse(readFileSync(inputFile, 'utf8')) as ProbeInput;
const context = { ...input.context, getRemainingTimeInMillis: () => input.remainingTimeMs };
const invokeCpu = process.cpuUsage();
const invoked = performance.now();
const response = await module.handler(input.event, context);
const invokeMs = performance.now() - invoked;
const invokeCpuMs = cpuMs(invokeCpu);

const result: ProbeResult = {
  importMs,
  importCpuMs,
  invokeMs,
  invokeCpuMs,
  records: (input.event as { Records: unknown[] }).Records.length,
  failures: response.batchItemFailures?.length ?? 0,
  sdkInRequireCache: { atImport: atImport.sdk, afterInvoke: sdkInRequireCache() },
  ...(traceFile === undefined ? {} : { modulesLoaded: { atImport: atImport.modules, afterInvoke: modulesLoaded() } }),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
