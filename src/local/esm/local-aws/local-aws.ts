import type { Logger } from '../../../runtime/observability/logger.js';
import { guardAwsConnections } from './aws-guard.js';
import {
  type AwsServiceEndpoints,
  applyEnvironment,
  type EnvironmentChanges,
  localAwsVariables,
  SERVICE_ENDPOINT_VARIABLES,
} from './environment.js';
import { type Http2Front, startHttp2Front } from './http2-front.js';
import { startRefusingEndpoint } from './refusing-endpoint.js';

/** Options of {@link startLocalAws}. */
export interface LocalAwsOptions {
  /** The emulators (or `--endpoint-*` services) on loopback; more can follow with {@link LocalAws.useEndpoints}. */
  readonly endpoints?: AwsServiceEndpoints;
  readonly region: string;
  /** Throwaway credentials the emulators accept. */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** More variables for user code, e.g. the app resources' names. */
  readonly variables?: Readonly<Record<string, string>>;
  /** Refused services and blocked connections are logged here as warnings (once per service or host). */
  readonly logger?: Logger | undefined;
}

/** User code's AWS, made local: see {@link startLocalAws}. */
export interface LocalAws {
  /** Where user code's clients go: Kinesis through an HTTP/1.1 + HTTP/2 front; `refused` for every other service. */
  readonly endpoints: AwsServiceEndpoints & { readonly refused: string };
  /** The variables set in `process.env` (`undefined`: unset). */
  readonly variables: EnvironmentChanges;
  /**
   * Aims the services at these endpoints (emulators started after the environment was set, so that
   * they too saw the local region); a service left out stays refused.
   */
  useEndpoints(endpoints: AwsServiceEndpoints): Promise<void>;
  /** Restores `process.env`, removes the connection guard, stops the local endpoints. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Makes every AWS SDK v3 client this process creates talk to the local emulators, with no change to
 * the code that creates them: sets `AWS_ENDPOINT_URL_KINESIS`/`_DYNAMODB`/`_DYNAMODB_STREAMS`/`_S3`, a
 * global `AWS_ENDPOINT_URL` for every other service (a local endpoint that refuses with a clear
 * `NoLocalEmulator` error), `AWS_REGION`, throwaway keys, no profile or session token; starts an HTTP/2
 * front for kinesalite (the SDK's Kinesis client speaks HTTP/2); and guards the process against any
 * connection to an AWS host that would still slip through (an SQS `QueueUrl`, the SDK v2, raw HTTPS).
 * Clients read these variables when they send their first request, so clients created earlier (at
 * module load) are aimed too.
 *
 * S3 uses path-style addressing on its own: with an IP-address endpoint (`http://127.0.0.1:<port>`),
 * the SDK's S3 endpoint rules cannot put the bucket in the host name, so no `forcePathStyle` is needed.
 *
 * @example
 * ```ts
 * const local = await startLocalAws({ region: 'us-east-1', credentials: EMULATOR_CREDENTIALS, logger });
 * const emulators = await startEmulators(config); // kinesalite takes its ARNs' region from AWS_REGION
 * await local.useEndpoints(emulators.endpoints);
 * await new S3Client({}).send(new PutObjectCommand({ Bucket: 'lake', Key: 'k', Body: 'x' })); // s3rver
 * await local.stop();
 * ```
 */
export async function startLocalAws(options: LocalAwsOptions): Promise<LocalAws> {
  const { logger } = options;
  const refusedServices = new Set<string>();
  const refusing = await startRefusingEndpoint({
    hint: 'no emulator runs for it here (declare S3 buckets and DynamoDB tables under resources:, or pass --aws)',
    onRefused: (request) => {
      const { service } = request;
      if (refusedServices.has(service)) return;
      refusedServices.add(service);
      // The emulators inherit this environment: DynamoDB Local's Java SDK reports telemetry to Cognito,
      // which now lands here instead of AWS. Not user code: no warning.
      if (request.userAgent.startsWith('aws-sdk-java')) {
        logger?.info({ service, userAgent: request.userAgent }, `refused an emulator's own call to ${service}`);
        return;
      }
      logger?.warn(
        { service, request: `${request.method} ${request.path}` },
        `no local emulator for ${service}: its requests are refused (local runs never reach AWS)`,
      );
    },
  });
  const variables = localAwsVariables({
    endpoints: {},
    fallbackEndpoint: refusing.endpoint,
    region: options.region,
    credentials: options.credentials,
    ...(options.variables === undefined ? {} : { extra: options.variables }),
  });
  // Every endpoint variable is touched here, so restore() puts all of them back, whatever useEndpoints set.
  const restore = applyEnvironment(variables);
  const blockedHosts = new Set<string>();
  const unguard = guardAwsConnections((error) => {
    if (blockedHosts.has(error.host)) return;
    blockedHosts.add(error.host);
    logger?.warn({ host: error.host, port: error.port }, error.message);
  });
  let front: Http2Front | undefined;
  let endpoints: AwsServiceEndpoints & { readonly refused: string } = { refused: refusing.endpoint };
  const current: Record<string, string | undefined> = { ...variables };
  const useEndpoints = async (given: AwsServiceEndpoints) => {
    await front?.stop();
    front = given.kinesis === undefined ? undefined : await startHttp2Front(given.kinesis);
    endpoints = { ...given, kinesis: front?.endpoint, refused: refusing.endpoint };
    const streams = given.dynamodbStreams ?? given.dynamodb;
    const aimed: Record<string, string | undefined> = {
      kinesis: endpoints.kinesis,
      dynamodb: given.dynamodb,
      dynamodbStreams: streams,
      s3: given.s3,
    };
    for (const [service, variable] of Object.entries(SERVICE_ENDPOINT_VARIABLES)) {
      const value = aimed[service] ?? refusing.endpoint;
      process.env[variable] = value;
      current[variable] = value;
    }
  };
  try {
    if (options.endpoints !== undefined) await useEndpoints(options.endpoints);
  } catch (error) {
    unguard();
    restore();
    await refusing.stop();
    throw error;
  }
  let stopped: Promise<void> | undefined;
  return {
    get endpoints() {
      return endpoints;
    },
    get variables() {
      return { ...current };
    },
    useEndpoints,
    stop: () => {
      stopped ??= (async () => {
        unguard();
        restore();
        await Promise.all([refusing.stop(), front?.stop()]);
      })();
      return stopped;
    },
  };
}
