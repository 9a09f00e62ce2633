import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The error code every refused request gets. */
export const NO_LOCAL_SERVICE_CODE = 'NoLocalEmulator';

/** A request the refusing endpoint turned down. */
export interface RefusedRequest {
  /** The SDK's signing name (`sqs`, `sns`, `lambda`, `sts`, …), from the request signature; `unknown` without one. */
  readonly service: string;
  readonly method: string;
  readonly path: string;
  /** Who asked: an SDK's `User-Agent` (DynamoDB Local's own telemetry comes from `aws-sdk-java`). */
  readonly userAgent: string;
}

/** A running {@link startRefusingEndpoint}. */
export interface RefusingEndpoint {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Options of {@link startRefusingEndpoint}. */
export interface RefusingEndpointOptions {
  /** Told about every refused request (e.g. to log one warning per service). */
  readonly onRefused?: (request: RefusedRequest) => void;
  /** Appended to the error message: what the user can do instead. */
  readonly hint?: string;
}

/**
 * Starts the endpoint that services without a local emulator are pointed at (`AWS_ENDPOINT_URL`): a
 * loopback HTTP server answering every request with a non-retryable 400 error, `NoLocalEmulator`, in
 * the request's protocol (AWS JSON, query XML, REST XML), so that user code gets one clear SDK error
 * — never a request to AWS, and no retries against a closed port.
 *
 * @example
 * ```ts
 * const refusing = await startRefusingEndpoint({ onRefused: ({ service }) => logger.warn({ service }, 'refused') });
 * process.env.AWS_ENDPOINT_URL = refusing.endpoint;
 * // new SQSClient({}).send(…) → NoLocalEmulator: no local emulator for sqs …
 * await refusing.stop();
 * ```
 */
export async function startRefusingEndpoint(options: RefusingEndpointOptions = {}): Promise<RefusingEndpoint> {
  const server = createServer((request, response) => {
    request.resume();
    request.once('end', () => refuse(request, response, options));
  });
  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(0, '127.0.0.1', () => resolveListen());
  });
  server.unref();
  const { port } = server.address() as AddressInfo;
  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () => {
      stopped ??= new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}

function refuse(request: IncomingMessage, response: ServerResponse, options: RefusingEndpointOptions): void {
  const service =
    signingService(request.headers.authorization) ?? targetService(request.headers['x-amz-target']) ?? 'unknown';
  const refused = {
    service,
    method: request.method ?? 'GET',
    path: request.url ?? '/',
    userAgent: String(request.headers['user-agent'] ?? ''),
  };
  options.onRefused?.(refused);
  const message =
    `no local emulator for AWS service '${service}' (${refused.method} ${refused.path}): local runs never reach AWS` +
    (options.hint === undefined ? '' : `; ${options.hint}`);
  const contentType = String(request.headers['content-type'] ?? '');
  response.statusCode = 400;
  response.setHeader('x-amzn-ErrorType', NO_LOCAL_SERVICE_CODE);
  response.setHeader('x-amzn-RequestId', 'shardflow-local');
  if (contentType.includes('json')) {
    response.setHeader(
      'content-type',
      contentType.startsWith('application/x-amz-json') ? contentType : 'application/json',
    );
    response.end(JSON.stringify({ __type: NO_LOCAL_SERVICE_CODE, message }));
    return;
  }
  response.setHeader('content-type', 'text/xml');
  const error = `<Type>Sender</Type><Code>${NO_LOCAL_SERVICE_CODE}</Code><Message>${escapeXml(message)}</Message>`;
  // Query protocol (SNS, STS, …) wraps the error in ErrorResponse; REST XML (S3) has Error at the root.
  response.end(
    contentType.includes('x-www-form-urlencoded')
      ? `<ErrorResponse><Error>${error}</Error><RequestId>shardflow-local</RequestId></ErrorResponse>`
      : `<Error>${error}<RequestId>shardflow-local</RequestId></Error>`,
  );
}

/** The service of an unsigned AWS JSON request's `X-Amz-Target` (`AWSCognitoIdentityService.GetId` → `AWSCognitoIdentityService`). */
function targetService(target: string | string[] | undefined): string | undefined {
  return typeof target === 'string' && target.includes('.') ? target.slice(0, target.indexOf('.')) : undefined;
}

/** The service of a SigV4 `Authorization` header: `Credential=<key>/<date>/<region>/<service>/aws4_request`. */
function signingService(authorization: string | undefined): string | undefined {
  return authorization?.match(/Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//)?.[1];
}

function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
