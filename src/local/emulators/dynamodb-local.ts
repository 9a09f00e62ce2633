import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, delimiter, dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient, type DynamoDBClientConfig, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ShardflowError } from '../../runtime/errors.js';
import { requireTool } from '../missing-tool.js';
import { findFreePort } from './free-port.js';

/** Oldest Java major version DynamoDB Local 1.25 runs on. */
const MIN_JAVA_VERSION = 17;
/** Bytes of child output kept for error messages. */
const OUTPUT_TAIL_BYTES = 8 * 1024;
/** Exit code of the launcher when Jetty could not bind the port (so an auto-picked port can be retried). */
const BIND_FAILURE_EXIT_CODE = 3;
/** Attempts with a fresh free port when an auto-picked port was taken in between. */
const PORT_ATTEMPTS = 3;
const DEFAULT_STARTUP_TIMEOUT_MS = 60_000;
const READINESS_POLL_MS = 100;
const READINESS_ATTEMPT_MS = 2_000;
const STOP_GRACE_MS = 5_000;
const LAUNCHER_CLASS = 'ShardflowLoopbackDynamoDBLocal';
/** Printed by the launcher once Jetty has bound the port (followed by the port number). */
const LISTENING_MARKER = 'shardflow: DynamoDB Local listening on 127.0.0.1:';

/** Options for {@link startDynamoDBLocal}. */
export interface DynamoDBLocalOptions {
  /** Loopback port to listen on. Default: a free port picked by the OS. */
  readonly port?: number;
  /**
   * Directory DynamoDB Local keeps its database in (`-dbPath`), created if missing; the data
   * survives `stop()`. Default: in memory (`-inMemory`), gone when the process stops.
   */
  readonly dataDir?: string;
  /** The `java` executable. Default: `$JAVA_HOME/bin/java` when `JAVA_HOME` is set, else `java` on the `PATH`. */
  readonly javaPath?: string;
  /** How long to wait for the first successful `ListTables` call. Default 60 000 ms. */
  readonly startupTimeoutMs?: number;
}

/** A running DynamoDB Local (a Java child process) started by {@link startDynamoDBLocal}. */
export interface DynamoDBLocal {
  /** Base URL of the emulator, e.g. `http://127.0.0.1:40123`. */
  readonly endpoint: string;
  readonly port: number;
  /** Process id of the Java child. */
  readonly pid: number;
  /** Stops the Java process (SIGTERM, then SIGKILL after 5 s) and resolves once it has exited. Idempotent. */
  stop(): Promise<void>;
}

/**
 * No usable Java runtime: the `java` binary is missing, cannot be run, or is older than 17.
 * DynamoDB Local 1.25 needs Java 17 or newer.
 */
export class JavaNotFoundError extends ShardflowError {
  /** The executable that was tried. */
  readonly javaPath: string;
  /** The major version that was found, when `java` ran but is too old. */
  readonly foundVersion: number | undefined;
  constructor(javaPath: string, reason: string, foundVersion?: number, options?: ErrorOptions) {
    super(
      `DynamoDB Local needs a Java ${MIN_JAVA_VERSION}+ runtime, but ${reason}. Install one ` +
        `(e.g. \`apt-get install openjdk-17-jre-headless\` or \`brew install openjdk@17\`) and put \`java\` on the ` +
        'PATH, set JAVA_HOME, or pass `javaPath`.',
      options,
    );
    this.javaPath = javaPath;
    this.foundVersion = foundVersion;
  }
}

/**
 * DynamoDB Local did not become ready (crashed, could not bind, or timed out). Carries the child's last
 * output. The child has exited by the time this is thrown.
 */
export class DynamoDBLocalStartError extends ShardflowError {
  /** The last few KiB the Java process wrote to stdout/stderr. */
  readonly output: string;
  /** Process id of the (exited) Java child, when one was started. */
  readonly pid: number | undefined;
  constructor(message: string, output: string, pid?: number, options?: ErrorOptions) {
    super(
      output.trim() === '' ? message : `${message}\n--- DynamoDB Local output (tail) ---\n${output.trimEnd()}`,
      options,
    );
    this.output = output;
    this.pid = pid;
  }
}

/**
 * `java -jar DynamoDBLocal.jar` binds Jetty to every interface (0.0.0.0) and has no host flag. This
 * launcher uses DynamoDB Local's own `ServerRunner.createServerFromCommandLineArgs` (the same
 * command-line flags), sets the Jetty connector's host to 127.0.0.1 before starting it, exits on any
 * startup failure (the jar's own main leaves a JVM with Jetty threads running after a failed bind), with
 * {@link BIND_FAILURE_EXIT_CODE} when the port could not be bound, and exits when its stdin closes, so
 * the JVM dies with its Node parent even when that parent is killed with SIGKILL. It skips the jar's
 * telemetry setup entirely.
 */
const LAUNCHER_SOURCE = `import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.lang.reflect.Field;
import java.net.BindException;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

public final class ${LAUNCHER_CLASS} {
  public static void main(String[] args) {
    Thread watchdog = new Thread(() -> {
      try {
        while (System.in.read() != -1) {
        }
      } catch (Exception ignored) {
      }
      System.exit(0);
    }, "shardflow-parent-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    try {
      DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
      Field field = DynamoDBProxyServer.class.getDeclaredField("server");
      field.setAccessible(true);
      Server server = (Server) field.get(proxy);
      for (Connector connector : server.getConnectors()) {
        ((ServerConnector) connector).setHost("127.0.0.1");
      }
      proxy.start();
      for (Connector connector : server.getConnectors()) {
        int port = ((ServerConnector) connector).getLocalPort();
        if (port <= 0) throw new BindException("DynamoDB Local could not bind its port on 127.0.0.1");
        System.out.println("${LISTENING_MARKER}" + port);
      }
    } catch (Throwable failure) {
      // Jetty's threads would keep a half-started JVM alive: exit, and say whether the port was the problem.
      failure.printStackTrace();
      for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
        if (cause instanceof BindException) System.exit(${BIND_FAILURE_EXIT_CODE});
      }
      System.exit(1);
    }
  }
}
`;

/**
 * Starts DynamoDB Local (the jar bundled in the `amplify-dynamodb-simulator` package, version 1.25.1)
 * as a Java child process listening on `127.0.0.1` only, with `-sharedDb` (every region and
 * credential sees the same tables) and `-disableTelemetry`, and resolves once a `ListTables` call
 * succeeds.
 *
 * The child is killed by `stop()`, synchronously when the Node process exits, and on SIGINT/SIGTERM
 * (after which the signal's default behaviour, terminating the process, is restored and re-raised when
 * no other listener handles it). It also exits by itself when the parent's pipe closes, so a crashed or
 * `kill -9`ed parent leaves no Java process behind.
 *
 * @throws {JavaNotFoundError} when `java` is missing or older than 17
 * @throws {MissingToolError} when the `amplify-dynamodb-simulator` package (the jar) is not installed
 * @throws {DynamoDBLocalStartError} when the emulator crashes or is not ready within `startupTimeoutMs`
 *
 * @example
 * ```ts
 * const ddb = await startDynamoDBLocal();
 * const client = new DynamoDBClient(localDynamoDBClientConfig(ddb.endpoint));
 * await client.send(new ListTablesCommand({}));
 * await ddb.stop();
 * ```
 */
export async function startDynamoDBLocal(options: DynamoDBLocalOptions = {}): Promise<DynamoDBLocal> {
  const javaPath = options.javaPath ?? defaultJavaPath();
  await assertJavaVersion(javaPath);
  const { jar, lib } = resolveDynamoDBLocalJar();
  const classpath = `${jar}${delimiter}${join(lib, '*')}`;
  const launcher = await prepareLauncher(javaPath, classpath);
  const storageArgs = options.dataDir === undefined ? ['-inMemory'] : ['-dbPath', resolve(options.dataDir)];
  if (options.dataDir !== undefined) await mkdir(resolve(options.dataDir), { recursive: true });
  const timeoutMs = options.startupTimeoutMs ?? DEFAULT_STARTUP_TIMEOUT_MS;

  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await findFreePort());
    const output = new OutputTail(OUTPUT_TAIL_BYTES);
    const child = spawn(
      javaPath,
      [
        `-Djava.library.path=${lib}`,
        ...launcher,
        '-port',
        String(port),
        ...storageArgs,
        '-sharedDb',
        '-disableTelemetry',
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    const spawned = await spawnOutcome(child);
    if (spawned !== undefined) throw javaSpawnError(javaPath, spawned);
    track(child, output);
    const endpoint = `http://127.0.0.1:${port}`;
    const outcome = await waitUntilReady(child, output, endpoint, timeoutMs);
    if (outcome === 'ready') return handle(child, endpoint, port);
    if (outcome === 'timeout') {
      await terminate(child);
      throw new DynamoDBLocalStartError(
        `DynamoDB Local did not answer ListTables on ${endpoint} within ${timeoutMs} ms`,
        output.toString(),
        child.pid,
      );
    }
    const portTaken = outcome.exitCode === BIND_FAILURE_EXIT_CODE;
    if (portTaken && options.port === undefined && attempt < PORT_ATTEMPTS) continue;
    throw new DynamoDBLocalStartError(
      portTaken
        ? `DynamoDB Local could not bind 127.0.0.1:${port} (port in use?)`
        : `DynamoDB Local exited during startup (code ${outcome.exitCode}, signal ${outcome.signal})`,
      output.toString(),
      child.pid,
    );
  }
}

/**
 * SDK client settings for an emulator started by {@link startDynamoDBLocal}: its endpoint, `us-east-1`
 * and dummy credentials (DynamoDB Local accepts any alphanumeric ones; with `-sharedDb` they all see the
 * same tables).
 *
 * @example
 * ```ts
 * const client = new DynamoDBClient(localDynamoDBClientConfig(ddb.endpoint));
 * ```
 */
export function localDynamoDBClientConfig(endpoint: string): DynamoDBClientConfig {
  // DynamoDB Local accepts any credentials made of letters and digits only (it rejects e.g. a hyphen).
  return {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'shardflowlocal', secretAccessKey: 'shardflowlocal' },
  };
}

function defaultJavaPath(): string {
  const javaHome = process.env.JAVA_HOME;
  return javaHome ? join(javaHome, 'bin', process.platform === 'win32' ? 'java.exe' : 'java') : 'java';
}

const javaVersionChecks = new Map<string, Promise<void>>();

/** Runs `java -version` once per executable and rejects with {@link JavaNotFoundError} unless it is 17+. */
function assertJavaVersion(javaPath: string): Promise<void> {
  let check = javaVersionChecks.get(javaPath);
  if (check === undefined) {
    check = readJavaMajorVersion(javaPath).then((major) => {
      if (major < MIN_JAVA_VERSION) {
        throw new JavaNotFoundError(javaPath, `\`${javaPath}\` is Java ${major}`, major);
      }
    });
    // A failed check is not cached: the user may install Java and try again in the same process.
    check.catch(() => javaVersionChecks.delete(javaPath));
    javaVersionChecks.set(javaPath, check);
  }
  return check;
}

async function readJavaMajorVersion(javaPath: string): Promise<number> {
  const child = spawn(javaPath, ['-version'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  const spawned = await spawnOutcome(child);
  if (spawned !== undefined) throw javaSpawnError(javaPath, spawned);
  const exitCode = await new Promise<number | null>((resolveClose) => child.once('close', resolveClose));
  // `java version "1.8.0_392"` (Java 8 and older) or `openjdk version "17.0.15" 2025-04-15`.
  const match = /version "(\d+)(?:\.(\d+))?/.exec(text);
  if (exitCode !== 0 || match === null) {
    throw new JavaNotFoundError(javaPath, `\`${javaPath} -version\` failed or printed no version: ${text.trim()}`);
  }
  const major = Number(match[1]);
  return major === 1 ? Number(match[2] ?? 0) : major;
}

/** Resolves with the spawn error, or `undefined` once the process has started. */
function spawnOutcome(child: ChildProcess): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolveOutcome) => {
    const onError = (error: NodeJS.ErrnoException) => {
      child.off('spawn', onSpawn);
      resolveOutcome(error);
    };
    const onSpawn = () => {
      child.off('error', onError);
      resolveOutcome(undefined);
    };
    child.once('error', onError);
    child.once('spawn', onSpawn);
  });
}

function javaSpawnError(javaPath: string, error: NodeJS.ErrnoException): ShardflowError {
  const reason =
    error.code === 'ENOENT'
      ? `\`${javaPath}\` was not found`
      : `\`${javaPath}\` could not be started (${error.code ?? error.message})`;
  return new JavaNotFoundError(javaPath, reason, undefined, { cause: error });
}

function resolveDynamoDBLocalJar(): { jar: string; lib: string } {
  const packageDir = dirname(
    requireTool('amplify-dynamodb-simulator', () =>
      createRequire(import.meta.url).resolve('amplify-dynamodb-simulator/package.json'),
    ),
  );
  const jar = join(packageDir, 'emulator', 'DynamoDBLocal.jar');
  const lib = join(packageDir, 'emulator', 'DynamoDBLocal_lib');
  if (!existsSync(jar) || !existsSync(lib)) {
    throw new DynamoDBLocalStartError(`DynamoDB Local's jar is missing: expected ${jar} and ${lib}`, '');
  }
  return { jar, lib };
}

const launchers = new Map<string, Promise<string[]>>();

/**
 * Returns the java arguments that run the loopback launcher: a class compiled once with `javac` (cached
 * in the OS temp directory) when a JDK is present, else Java's single-file source mode, which compiles
 * in memory on every start (about a second slower; needs the `jdk.compiler` module most JREs ship).
 */
function prepareLauncher(javaPath: string, classpath: string): Promise<string[]> {
  const cacheKey = `${javaPath}\0${classpath}`;
  let launcher = launchers.get(cacheKey);
  if (launcher === undefined) {
    launcher = buildLauncher(javaPath, classpath);
    launcher.catch(() => launchers.delete(cacheKey));
    launchers.set(cacheKey, launcher);
  }
  return launcher;
}

async function buildLauncher(javaPath: string, classpath: string): Promise<string[]> {
  const digest = createHash('sha256').update(LAUNCHER_SOURCE).update(classpath).digest('hex').slice(0, 16);
  const cacheDir = join(tmpdir(), `shardflow-dynamodb-local-${process.getuid?.() ?? 'user'}`, digest);
  const classesDir = join(cacheDir, 'classes');
  const sourceFile = join(cacheDir, `${LAUNCHER_CLASS}.java`);
  await mkdir(cacheDir, { recursive: true, mode: 0o700 });
  if (!existsSync(sourceFile)) await writeAtomically(sourceFile, LAUNCHER_SOURCE);
  if (!existsSync(join(classesDir, `${LAUNCHER_CLASS}.class`))) {
    const javac = javacBeside(javaPath);
    const staging = join(cacheDir, `classes-${process.pid}-${randomUUID()}`);
    const javacArgs = ['--release', String(MIN_JAVA_VERSION), '-cp', classpath, '-d', staging, sourceFile];
    const compiled = javac !== undefined && (await runQuietly(javac, javacArgs));
    if (compiled) {
      // Another process may have won the race; its classes are identical.
      await rename(staging, classesDir).catch(() => undefined);
    }
    await rm(staging, { recursive: true, force: true });
  }
  if (existsSync(join(classesDir, `${LAUNCHER_CLASS}.class`))) {
    return ['-cp', `${classesDir}${delimiter}${classpath}`, LAUNCHER_CLASS];
  }
  return ['-cp', classpath, sourceFile];
}

/** The `javac` next to `java` (same JDK), or `undefined` when `javaPath` is not named `java`. */
function javacBeside(javaPath: string): string | undefined {
  const match = /^java(\.exe)?$/.exec(basename(javaPath));
  return match === null ? undefined : join(dirname(javaPath), `javac${match[1] ?? ''}`);
}

async function writeAtomically(file: string, content: string): Promise<void> {
  const staging = `${file}.${process.pid}.${randomUUID()}`;
  await writeFile(staging, content);
  await rename(staging, file);
}

/** Runs a command, ignoring its output; resolves `true` when it exits with 0, `false` on any failure. */
async function runQuietly(command: string, args: readonly string[]): Promise<boolean> {
  const child = spawn(command, args, { stdio: 'ignore' });
  if ((await spawnOutcome(child)) !== undefined) return false;
  return (await exitOf(child)).exitCode === 0;
}

interface ChildExit {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Resolves when the child exits (never rejects, unlike `events.once`, which rejects on 'error'). */
function exitOf(child: ChildProcess): Promise<ChildExit> {
  return new Promise((resolveExit) => {
    child.once('exit', (exitCode, signal) => resolveExit({ exitCode, signal }));
  });
}

type ReadinessOutcome = 'ready' | 'timeout' | ChildExit;

/**
 * Ready = the launcher reported that it bound the port (so a foreign server on that port cannot pass for
 * ours) and a `ListTables` call succeeds.
 */
async function waitUntilReady(
  child: ChildProcess,
  output: OutputTail,
  endpoint: string,
  timeoutMs: number,
): Promise<ReadinessOutcome> {
  const exited = exitOf(child);
  let exit: ChildExit | undefined;
  void exited.then((value) => {
    exit = value;
  });
  const client = new DynamoDBClient({ ...localDynamoDBClientConfig(endpoint), maxAttempts: 1 });
  const deadline = Date.now() + timeoutMs;
  let listening = false;
  try {
    while (Date.now() < deadline) {
      if (exit !== undefined) return exit;
      listening ||= output.toString().includes(LISTENING_MARKER);
      if (listening) {
        try {
          // Bounded per attempt: a server that accepts connections but never answers must not hang us.
          const attemptMs = Math.max(1, Math.min(READINESS_ATTEMPT_MS, deadline - Date.now()));
          await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(attemptMs) });
          return exit ?? 'ready';
        } catch {
          // Still initialising: poll again.
        }
      }
      const settled = await Promise.race([exited, sleep(READINESS_POLL_MS).then(() => undefined)]);
      if (settled !== undefined) return settled;
    }
    return exit ?? 'timeout';
  } finally {
    client.destroy();
  }
}

function handle(child: ChildProcess, endpoint: string, port: number): DynamoDBLocal {
  let stopping: Promise<void> | undefined;
  return {
    endpoint,
    port,
    pid: child.pid!,
    stop() {
      stopping ??= terminate(child);
      return stopping;
    },
  };
}

/** Ends the child (stdin EOF + SIGTERM, SIGKILL after a grace period) and resolves once it has exited. */
async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = exitOf(child);
  child.stdin?.end();
  child.kill('SIGTERM');
  const escalation = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  try {
    await exited;
  } finally {
    clearTimeout(escalation);
  }
}

// --- process lifecycle: no Java process may outlive its Node parent -------------------------------------

const running = new Set<ChildProcess>();

function track(child: ChildProcess, output: OutputTail): void {
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk));
  // EPIPE on stdin after the child died is expected; the 'exit' event reports the death.
  child.stdin?.on('error', () => undefined);
  // The emulator alone must not keep Node alive: when Node is done, the 'exit' hook kills the child.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) {
    (stream as { unref?: () => void } | null)?.unref?.();
  }
  running.add(child);
  installHooks();
  child.once('exit', () => {
    running.delete(child);
    if (running.size === 0) uninstallHooks();
  });
}

let hooksInstalled = false;

function killAllNow(): void {
  for (const child of running) child.kill('SIGKILL');
}

function onSignal(signal: NodeJS.Signals): void {
  void Promise.allSettled([...running].map((child) => terminate(child))).then(() => {
    uninstallHooks();
    // Only restore the default (terminate) when nobody else handles this signal.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  });
}

const onSigint = (): void => onSignal('SIGINT');
const onSigterm = (): void => onSignal('SIGTERM');

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killAllNow);
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
}

function uninstallHooks(): void {
  if (!hooksInstalled) return;
  hooksInstalled = false;
  process.off('exit', killAllNow);
  process.off('SIGINT', onSigint);
  process.off('SIGTERM', onSigterm);
}

/** Keeps the last `maxBytes` of a child's output for startup-failure messages. */
class OutputTail {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size - (this.chunks[0]?.length ?? 0) >= this.maxBytes && this.chunks.length > 1) {
      this.size -= this.chunks.shift()!.length;
    }
  }

  toString(): string {
    const all = Buffer.concat(this.chunks);
    return all.subarray(Math.max(0, all.length - this.maxBytes)).toString('utf8');
  }
}
