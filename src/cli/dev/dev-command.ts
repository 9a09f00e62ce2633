import { join, resolve } from 'node:path';
import { EMULATOR_CREDENTIALS } from '../../local/emulators/index.js';
import { localAppResources } from '../../local/esm/local-aws/index.js';
import { type LocalRun, startLocal } from '../../local/esm/local-runner.js';
import { type CliLogger, createCliLogger, type TextOutput } from '../cli-logger.js';
import { CliDefaults } from '../constants.js';
import { CliUsageError, ExitCode } from '../errors.js';
import { loadConfig, selectStreams } from '../load-config.js';
import { formatDevBanner } from './dev-banner.js';
import { devStatePath, removeDevState, runningDev, writeDevState } from './dev-state.js';
import { writeEventCountsEmf } from './event-counts-emf.js';
import { connectExternal, type ExternalEndpoints, type ExternalServices, hasEndpoints } from './external-services.js';
import { shownPath } from './shown-path.js';
import { formatEventCountsLine, formatSummaryLine, StatusBoard, StatusSampler } from './status-board.js';

/** Options of `shardflow dev`. */
export interface DevOptions {
  readonly config: string;
  /** Streams to run (default: all of the config's). */
  readonly streams?: readonly string[] | undefined;
  /** Emulator data, checkpoints, on-failure records, `dev.log` and `dev.json`. Default `.shardflow/data`. */
  readonly dataDir?: string | undefined;
  /** Keep emulator data and checkpoints in memory (the log and state file still go to the data dir). */
  readonly inMemory?: boolean | undefined;
  /** Use running services on this machine instead of starting emulators. */
  readonly endpoints?: ExternalEndpoints;
  readonly region?: string | undefined;
  /** Run against real AWS (the only way to reach it), with the environment's credentials. */
  readonly aws?: boolean | undefined;
  /** Stop after this many seconds (from ready). Default: run until SIGINT/SIGTERM. */
  readonly durationSeconds?: number | undefined;
  /** Log level of the log file (default: the config's `logging.level`, else `LOG_LEVEL`, else `info`). */
  readonly logLevel?: string | undefined;
  /** Full error stacks on the terminal (the log file always has them). */
  readonly verbose?: boolean | undefined;
  /** Opt-in: streams without a quarantine get a local file quarantine (printed in the banner). */
  readonly localQuarantine?: boolean | undefined;
  /** Status refresh interval. Default 1000 ms. */
  readonly statusIntervalMs?: number;
}

/** Where `shardflow dev` writes: status and banner to `stdout`, warnings to `stderr`. */
export interface DevIo {
  readonly stdout: TextOutput & { readonly columns?: number | undefined };
  readonly stderr: TextOutput;
}

/**
 * `shardflow dev`: runs the config's streams locally — emulators (or running services on this machine
 * with `--endpoint-*`, or real AWS with `--aws`) plus one local event source mapping per stream. The
 * processors' own AWS SDK clients are aimed at the emulators (`AWS_ENDPOINT_URL_*`, a region and
 * throwaway keys in this process's environment; every other AWS service refused; connections to AWS
 * hosts blocked) and the config's app resources (`resources:`) are created there. Prints where
 * everything is and how to put records (`shardflow put`), writes `<data dir>/dev.json` for the other
 * commands, then one status line per stream (fitted to a terminal, or plain lines every few seconds).
 * JSON logs go to `<data dir>/dev.log`; warnings and errors are also printed on stderr, one line each
 * (`--verbose`: with stacks). SIGINT or SIGTERM (or `--duration`) stops the mappings and the emulators
 * cleanly and prints a summary line per stream; a second signal exits at once (130).
 *
 * @returns the exit code (0)
 * @throws {CliUsageError} when another `shardflow dev` runs on the data dir, or `--endpoint-*` names a
 *   service off this machine without `--aws`
 *
 * @example
 * ```ts
 * const code = await runDev({ config: 'shardflow.config.ts', durationSeconds: 10 });
 * ```
 */
export async function runDev(options: DevOptions, io: DevIo = { stdout: process.stdout, stderr: process.stderr }) {
  const stop = stopSignal();
  const dataDir = resolve(options.dataDir ?? CliDefaults.dataDir);
  const aws = options.aws === true;
  const other = await runningDev(dataDir);
  if (other !== undefined) {
    throw new CliUsageError(
      `shardflow dev already runs on ${shownPath(dataDir)} (pid ${other.pid}): stop it, or pass --data-dir`,
    );
  }
  const loaded = await loadConfig(options.config);
  const names = options.streams?.length ? [...options.streams] : Object.keys(loaded.streams);
  const config = selectStreams(loaded, names);
  const logFile = join(dataDir, 'dev.log');
  const emfFile = join(dataDir, 'dev-metrics.emf.ndjson');
  const noColor = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '';
  const board = new StatusBoard(io.stdout, { live: io.stdout.isTTY === true, color: !noColor });
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
    // The terminal shows warnings and errors (unless a level is asked for), one line each; the file takes everything.
    console: {
      output: terminal,
      pretty: true,
      level: options.logLevel === undefined ? 'warn' : undefined,
      verbose: options.verbose === true,
      color: io.stderr.isTTY === true && !noColor,
      // On a terminal a warning stays on one line; the log file has it whole.
      ...(io.stderr.isTTY === true ? { width: () => (io.stderr as { columns?: number }).columns } : {}),
    },
  });
  const { logger } = log;
  const endpoints = options.endpoints ?? {};
  const mode = aws ? 'aws' : hasEndpoints(endpoints) ? 'endpoints' : 'emulators';
  let external: ExternalServices | undefined;
  let run: LocalRun | undefined;
  let wroteState = false;
  try {
    if (mode !== 'emulators') {
      external = await connectExternal(config, names, endpoints, { region: options.region, aws });
    }
    run = await startLocal({
      config,
      logger,
      ...(options.inMemory === true ? {} : { dataDir }),
      ...(external === undefined ? {} : { external: external.external }),
      ...(mode === 'endpoints'
        ? { localAws: { endpoints, region: external!.external.region, credentials: EMULATOR_CREDENTIALS } }
        : {}),
      ...(aws ? { localAws: false as const } : {}),
      localQuarantine: options.localQuarantine === true,
    });
    const started = Date.now();
    const emulators = run.emulators;
    const shownEndpoints = mode === 'emulators' ? (emulators?.endpoints ?? {}) : endpoints;
    const region = external?.external.region ?? emulators?.region ?? 'us-east-1';
    const streams = names.map((name) => ({
      name,
      config: config.streams[name]!,
      arn: run!.sources.get(name)!.streamArn,
    }));
    if (mode !== 'aws') {
      await writeDevState(dataDir, {
        version: 1,
        pid: process.pid,
        startedAt: new Date().toISOString(),
        service: config.service,
        region,
        credentials: { ...EMULATOR_CREDENTIALS },
        endpoints: {
          kinesis: shownEndpoints.kinesis,
          dynamodb: shownEndpoints.dynamodb,
          dynamodbStreams: endpoints.dynamodbStreams ?? shownEndpoints.dynamodb,
          s3: shownEndpoints.s3,
        },
        streams: Object.fromEntries(
          streams.map(({ name, config: stream, arn }) => [
            name,
            stream.source.type === 'kinesis'
              ? { type: 'kinesis' as const, name: stream.source.stream, streamArn: arn }
              : {
                  type: 'dynamodb' as const,
                  name: stream.source.table,
                  streamArn: arn,
                  keys: stream.source.keySchema ?? { partitionKey: 'id' },
                },
          ]),
        ),
      });
      wroteState = true;
    }
    io.stdout.write(
      formatDevBanner({
        service: config.service,
        streams,
        mode,
        endpoints: shownEndpoints,
        region,
        account: aws ? streams.map((s) => s.arn.split(':')[4]).find((account) => account) : undefined,
        dynamodbLocalPid: emulators?.dynamodbLocalPid,
        dataDir: shownPath(dataDir),
        inMemory: options.inMemory === true,
        logFile: shownPath(logFile),
        stateFile: wroteState ? shownPath(devStatePath(dataDir)) : undefined,
        dataDirOption: dataDir === resolve(CliDefaults.dataDir) ? undefined : `--data-dir ${shownPath(dataDir)}`,
        appResources: localAppResources(config),
        standIns: run.standIns.map((standIn) => ({ ...standIn, path: shownPath(standIn.path) })),
      }),
    );
    logger.info({ endpoints: shownEndpoints, dataDir, dynamodbLocalPid: emulators?.dynamodbLocalPid }, 'dev ready');
    io.stdout.write(
      `\nready: ${names.length} stream(s) running${
        options.durationSeconds === undefined ? ' (Ctrl-C to stop)' : ` for ${options.durationSeconds}s`
      }\n`,
    );

    const { mappings } = run;
    const sampler = new StatusSampler(mappings);
    sampler.sample();
    const timer = setInterval(() => board.update(sampler.sample()), options.statusIntervalMs ?? 1000);
    // The mappings' event counts as EMF, once a minute (CloudWatch's period for the deployed mappings' metrics).
    const emfTimer = setInterval(() => writeEventCountsEmf(emfFile, config.service, mappings), 60_000);
    emfTimer.unref();
    let durationTimer: NodeJS.Timeout | undefined;
    const duration =
      options.durationSeconds === undefined
        ? undefined
        : new Promise<string>((resolveDuration) => {
            durationTimer = setTimeout(() => resolveDuration('duration reached'), options.durationSeconds! * 1000);
          });
    const reason = await Promise.race([stop.requested, ...(duration ? [duration] : [])]);
    clearInterval(timer);
    clearInterval(emfTimer);
    clearTimeout(durationTimer);
    board.update(sampler.sample(), true);
    board.release();
    io.stdout.write(`stopping (${reason})…\n`);
    await run.stop();
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    io.stdout.write(`stopped after ${seconds}s\n`);
    for (const [name, mapping] of run.mappings) {
      const status = mapping.status();
      const events = mapping.eventCounts();
      io.stdout.write(`${formatSummaryLine(name, status)}\n${formatEventCountsLine(name, events)}\n`);
      logger.info({ stream: name, status, events }, 'dev summary');
    }
    writeEventCountsEmf(emfFile, config.service, run.mappings);
    return ExitCode.ok;
  } finally {
    // On an error path, still release everything (stop() is idempotent).
    await run?.stop().catch(() => undefined);
    external?.destroy();
    if (wroteState) await removeDevState(dataDir);
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
