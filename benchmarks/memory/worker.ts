/**
 * The memory sweep's worker process: builds shardflow's handler and one fixed Kinesis batch, warms up
 * (a number of batches, so that a small CPU share warms up as much as a large one), then runs batches
 * back to back when asked, reporting each batch's wall time and the CPU time used. Started by
 * `run-memory.ts` over an IPC channel, inside a Lambda-sized cgroup from its first instruction.
 */
import { kinesisBenchEvent } from '../lib/fixtures.js';
import { LAMBDA_CONTEXT, shardflowBenchHandler } from '../lib/shardflow-handler.js';
import type { PhaseResult, RunRequest, WorkerMessage } from './worker-protocol.js';

const batchSize = Number(process.env.BENCH_BATCH_SIZE ?? '100');
const warmupBatches = Number(process.env.BENCH_WARMUP_BATCHES ?? '300');

function send(message: WorkerMessage): void {
  process.send?.(message);
}

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

async function runPhase(request: RunRequest, handler: ReturnType<typeof shardflowBenchHandler>, event: unknown) {
  const durationsMs: number[] = [];
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  while (performance.now() - started < request.durationMs || durationsMs.length < 5) {
    const t0 = performance.now();
    await handler(event, LAMBDA_CONTEXT);
    durationsMs.push(performance.now() - t0);
  }
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const result: PhaseResult = {
    type: 'result',
    phase: request.phase,
    batches: durationsMs.length,
    durationsMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    wallMs,
    maxRssMB: mb(process.resourceUsage().maxRSS * 1024),
  };
  send(result);
}

try {
  const handler = shardflowBenchHandler('kinesis');
  const event = kinesisBenchEvent(batchSize);
  for (let i = 0; i < warmupBatches; i++) await handler(event, LAMBDA_CONTEXT);
  process.on('message', (request: RunRequest) => {
    if (request.type === 'run') {
      runPhase(request, handler, event).catch((error: unknown) =>
        send({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
      );
    }
  });
  send({ type: 'ready', rssMB: mb(process.memoryUsage().rss) });
} catch (error) {
  send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  process.exitCode = 1;
}
