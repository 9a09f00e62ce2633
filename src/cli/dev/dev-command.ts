import { resolve } from 'node:path';
import { type LocalRun, startLocal } from '../../local/esm/local-runner.js';
import { type CliLogger, createCliLogger, type TextOutput } from '../cli-logger.js';
import { CliDefaults } from '../constants.js';
import { ExitCode } from '../errors.js';
import { loadConfig, selectStreams } from '../load-config.js';
import { formatDevBanner } from './dev-banner.js';
import { connectExternal, type ExternalEndpoints, type ExternalServices, hasEndpoints } from './external-services.js';
import { formatSummaryLine, StatusBoard, StatusSampler } from './status-board.js';

/** Options of `shardflow dev`. */
export interface DevOptions {
  readonly config: string;
  /** Streams to run (default: all of the config's). */
  readonly streams?: readonly string[] | undefined;
  /** Keep emulator data, checkpoints, on-failure records and `dev.log` here. Default: in memory. */
  readonly dataDir?: string | undefined;
  /** Use running services instead of starting emulators. */
  readonly endpoints?: ExternalEndpoints;
  readonly region?: string | undefined;
  /** Stop after this many seconds (from ready). Default: run until SIGINT/SIGTERM. */
  readonly durationSeconds?: number | undefined;
  /** Log level of the log file (default: the config's `logging.level`, else `LOG_LEVEL`, else `info`). */
  readonly logLevel?: string | undefined;
  /** Status refresh interval. Default 1000 ms. */
  readonly statusIntervalMs?: number;
}

/** Where `shardflow dev` writes: status and banner to `stdout`, pretty logs to `stderr` (when a TTY). */
export interface DevIo {
  readonly stdout: TextOutput & { readonly columns?: number | undefined };
  readonly stderr: TextOutput;
}

/**
 * `shardflow dev`: runs the config's streams locally — emulators (or running services with
 * `--endpoint-*`) plus one local event source mapping per stream — prints where the services listen and
 * how to put records from another terminal, then one status line per stream every second. JSON logs go to
 * `<data dir>/dev.log` (or `.shardflow/dev.log`); when stderr is a terminal, warnings and errors (every
 * line from `--log-level` up, when given) are also pretty-printed there. SIGINT or
 * SIGTERM (or `--duration`) stops the mappings and the emulators cleanly and prints a summary line per
 * stream; a second signal exits at once (130).
 *
 * @returns the exit code (0)
 *
 * @example
 * ```ts
 * const code = await runDev({ config: 'shardflow.config.ts', dataDir: '.shardflow/data', durationSeconds: 10 });
 * ```
 */
export async function runDev(options: DevOptions, io: DevIo = { stdout: process.stdout, stderr: process.stderr }) {
  const stop = stopSignal();
  const loaded = await loadConfig(options.config);
  const names = options.streams?.length ? [...options.streams] : Object.keys(loaded.streams);
  const config = selectStreams(loaded, names);
  const dataDir = options.dataDir === undefined ? undefined : resolve(options.dataDir);
  const logFile = dataDir === undefined ? resolve(CliDefaults.devLogFile) : resolve(dataDir, 'dev.log');
  const board = new StatusBoard(io.stdout, io.stdout.isTTY === true);
  const terminal: TextOutput = {
    write: (text) => {
      board.clear();
      return io.stderr.write(text);
    },
  };
  const log: CliLogger = await createCliLogger({
    level: options.logLevel ?? config.logging?.level,
    redact: config.logging?.redact,
    file: logFile,
    // The terminal shows warnings and errors (unless a level is asked for); the file takes everything.
    ...(io.stderr.isTTY === true
      ? { console: { output: terminal, pretty: true, level: options.logLevel === undefined ? 'warn' : undefined } }
      : {}),
  });
  const { logger } = log;
  let external: ExternalServices | undefined;
  let run: LocalRun | undefined;
  try {
    const endpoints = options.endpoints ?? {};
    if (hasEndpoints(endpoints)) external = await connectExternal(config, names, endpoints, options.region);
    run = await startLocal({
      config,
      logger,
      ...(dataDir === undefined ? {} : { dataDir }),
      ...(external === undefined ? {} : { external: external.external }),
    });
    const started = Date.now();
    const emulators = run.emulators;
    const endpointsShown = external === undefined ? (emulators?.endpoints ?? {}) : endpoints;
    io.stdout.write(
      formatDevBanner({
        service: config.service,
        streams: names.map((name) => ({
          name,
          config: config.streams[name]!,
          arn: run!.sources.get(name)!.streamArn,
        })),
        endpoints: endpointsShown,
        external: external !== undefined,
        region: external?.external.region ?? emulators?.region ?? 'us-east-1',
        credentials: external === undefined ? emulators?.credentials : undefined,
        dynamodbLocalPid: emulators?.dynamodbLocalPid,
        dataDir,
        logFile,
      }),
    );
    logger.info({ endpoints: endpointsShown, dataDir, dynamodbLocalPid: emulators?.dynamodbLocalPid }, 'dev ready');
    io.stdout.write(
      `\nready: ${names.length} stream(s) running${
        options.durationSeconds === undefined ? ' (Ctrl-C to stop)' : ` for ${options.durationSeconds}s`
      }\n`,
    );

    const sampler = new StatusSampler(run.mappings);
    sampler.sample();
    const timer = setInterval(() => board.update(sampler.sample()), options.statusIntervalMs ?? 1000);
    let durationTimer: NodeJS.Timeout | undefined;
    const duration =
      options.durationSeconds === undefined
        ? undefined
        : new Promise<string>((resolveDuration) => {
            durationTimer = setTimeout(() => resolveDuration('duration reached'), options.durationSeconds! * 1000);
          });
    const reason = await Promise.race([stop.requested, ...(duration ? [duration] : [])]);
    clearInterval(timer);
    clearTimeout(durationTimer);
    board.update(sampler.sample());
    board.release();
    io.stdout.write(`stopping (${reason})…\n`);
    await run.stop();
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    io.stdout.write(`stopped after ${seconds}s\n`);
    for (const [name, mapping] of run.mappings) {
      const status = mapping.status();
      io.stdout.write(`${formatSummaryLine(name, status)}\n`);
      logger.info({ stream: name, status }, 'dev summary');
    }
    return ExitCode.ok;
  } finally {
    // On an error path, still release everything (stop() is idempotent).
    await run?.stop().catch(() => undefined);
    external?.destroy();
    await log.close();
  }
}

/**
 * Resolves on the first SIGINT/SIGTERM; a second one exits at once (130). The listeners stay for the rest
 * of the process: the emulators' own signal hook re-raises the signal when no listener is left, which
 * would kill the process before the summary is printed.
 */
function stopSignal(): { readonly requested: Promise<string> } {
  let signalled = false;
  let resolveRequested: (reason: string) => void = () => {};
  const requested = new Promise<string>((resolveSignal) => {
    resolveRequested = resolveSignal;
  });
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) process.exit(130);
    signalled = true;
    resolveRequested(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return { requested };
}
