import net from 'node:net';
import { ShardflowError } from '../../../runtime/errors.js';

/**
 * A local run tried to open a connection to AWS (or to the instance metadata service): the connection
 * fails with this error instead. The AWS SDK reports it as a network error of the request.
 *
 * @example
 * ```ts
 * throw new AwsConnectionBlockedError('sqs.us-east-1.amazonaws.com', 443);
 * ```
 */
export class AwsConnectionBlockedError extends ShardflowError {
  readonly host: string;
  readonly port: number | undefined;
  readonly code = 'ERR_SHARDFLOW_LOCAL_ONLY';
  constructor(host: string, port: number | undefined) {
    super(
      `blocked a connection to ${host}${port === undefined ? '' : `:${port}`}: local runs never reach AWS ` +
        '(pass --aws to run against your AWS account)',
    );
    this.host = host;
    this.port = port;
  }
}

/** Hosts that are AWS: service endpoints, and the instance/container metadata services (credentials). */
const AWS_HOST = /(^|\.)(amazonaws\.com|amazonaws\.com\.cn|api\.aws|on\.aws|aws\.dev)$/i;
const METADATA_HOSTS = new Set(['169.254.169.254', '169.254.170.2', 'fd00:ec2::254', '[fd00:ec2::254]']);

/**
 * Whether a host is AWS (an `*.amazonaws.com`-style endpoint or a metadata service address).
 *
 * @example
 * ```ts
 * isAwsHost('dynamodb.us-east-1.amazonaws.com'); // true
 * isAwsHost('127.0.0.1'); // false
 * ```
 */
export function isAwsHost(host: string): boolean {
  return METADATA_HOSTS.has(host) || AWS_HOST.test(host.replace(/\.$/, ''));
}

type Connect = typeof net.Socket.prototype.connect;

let original: Connect | undefined;
const listeners = new Set<(error: AwsConnectionBlockedError) => void>();

/**
 * Guards this process against connections to AWS while a local run is up: every socket to an AWS host
 * (or a metadata service) fails with {@link AwsConnectionBlockedError}, whatever made it — an SDK
 * client that ignores the endpoint variables (an SQS `QueueUrl` on `sqs.<region>.amazonaws.com`), the
 * SDK v2, a raw HTTPS call. The last line of defence behind the `AWS_ENDPOINT_URL_*` variables. Every
 * install returns its own uninstall; the socket patch is removed when the last one is.
 *
 * @example
 * ```ts
 * const unguard = guardAwsConnections((error) => logger.warn({ host: error.host }, error.message));
 * // … run user code …
 * unguard();
 * ```
 */
export function guardAwsConnections(onBlocked: (error: AwsConnectionBlockedError) => void = () => {}): () => void {
  const listener = (error: AwsConnectionBlockedError) => onBlocked(error);
  listeners.add(listener);
  if (original === undefined) {
    const connect = net.Socket.prototype.connect;
    original = connect;
    net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
      const target = connectTarget(args);
      if (target !== undefined && isAwsHost(target.host)) {
        const error = new AwsConnectionBlockedError(target.host, target.port);
        for (const notify of listeners) notify(error);
        process.nextTick(() => this.destroy(error));
        return this;
      }
      return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
    } as Connect;
  }
  let removed = false;
  return () => {
    if (removed) return;
    removed = true;
    listeners.delete(listener);
    if (listeners.size === 0 && original !== undefined) {
      net.Socket.prototype.connect = original;
      original = undefined;
    }
  };
}

/** The host and port of `socket.connect(options)` / `socket.connect(port, host)`; `undefined` for IPC paths. */
function connectTarget(args: readonly unknown[]): { host: string; port: number | undefined } | undefined {
  let first = args[0];
  // net.connect() passes [options, callback] as one normalized array.
  if (Array.isArray(first)) first = first[0];
  if (typeof first === 'object' && first !== null) {
    const options = first as { host?: unknown; port?: unknown; path?: unknown };
    // `path` is a pipe; http(s) agents pass `path: null` for TCP.
    if (options.path !== undefined && options.path !== null) return undefined;
    return { host: typeof options.host === 'string' ? options.host : 'localhost', port: toPort(options.port) };
  }
  if (typeof first === 'string' && !/^\d+$/.test(first)) return undefined;
  const host = typeof args[1] === 'string' ? args[1] : 'localhost';
  return { host, port: toPort(first) };
}

function toPort(value: unknown): number | undefined {
  const port = Number(value);
  return Number.isInteger(port) ? port : undefined;
}
