/** Endpoints the AWS SDK v3 clients of user code are aimed at, per service. */
export interface AwsServiceEndpoints {
  readonly kinesis?: string | undefined;
  readonly dynamodb?: string | undefined;
  /** Default: the DynamoDB endpoint (DynamoDB Local serves both). */
  readonly dynamodbStreams?: string | undefined;
  readonly s3?: string | undefined;
}

/** The SDK's standard per-service endpoint variables (`AWS_ENDPOINT_URL_<SERVICE ID>`). */
export const SERVICE_ENDPOINT_VARIABLES = {
  kinesis: 'AWS_ENDPOINT_URL_KINESIS',
  dynamodb: 'AWS_ENDPOINT_URL_DYNAMODB',
  dynamodbStreams: 'AWS_ENDPOINT_URL_DYNAMODB_STREAMS',
  s3: 'AWS_ENDPOINT_URL_S3',
} as const satisfies Record<keyof AwsServiceEndpoints, string>;

/**
 * Variables that would let an SDK client leave the given endpoints or pick up real credentials: a
 * profile (its credentials, `endpoint_url` or role), a session token next to the throwaway keys,
 * web-identity and container credentials, the switch that ignores configured endpoints, and FIPS or
 * dual-stack endpoint selection.
 */
export const CLEARED_VARIABLES = [
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
  'AWS_ROLE_ARN',
  'AWS_ROLE_SESSION_NAME',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
  'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS',
  'AWS_USE_FIPS_ENDPOINT',
  'AWS_USE_DUALSTACK_ENDPOINT',
] as const;

/** What {@link localAwsVariables} builds the environment from. */
export interface LocalAwsVariablesInput {
  readonly endpoints: AwsServiceEndpoints;
  /** Every other service (SQS, SNS, Lambda, STS, …): a local endpoint that refuses with a clear error. */
  readonly fallbackEndpoint: string;
  readonly region: string;
  /** Throwaway credentials the emulators accept. */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** More variables, e.g. the app resources' names (`SHOP_LAKE_BUCKET`). */
  readonly extra?: Readonly<Record<string, string>>;
}

/** Variable → value; `undefined` means "unset". */
export type EnvironmentChanges = Readonly<Record<string, string | undefined>>;

/**
 * The environment that aims every AWS SDK v3 client at local endpoints without a code change: the
 * per-service `AWS_ENDPOINT_URL_*` variables, a global `AWS_ENDPOINT_URL` for the services that have no
 * emulator, a region, throwaway keys, no profile or session token, and no instance metadata look-ups.
 *
 * @example
 * ```ts
 * localAwsVariables({ endpoints: { s3: 'http://127.0.0.1:4569' }, fallbackEndpoint: 'http://127.0.0.1:4999',
 *   region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
 * // { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4569', AWS_ENDPOINT_URL: 'http://127.0.0.1:4999', AWS_REGION: …, AWS_PROFILE: undefined, … }
 * ```
 */
export function localAwsVariables(input: LocalAwsVariablesInput): EnvironmentChanges {
  const changes: Record<string, string | undefined> = {};
  for (const name of CLEARED_VARIABLES) changes[name] = undefined;
  const endpoints = {
    ...input.endpoints,
    dynamodbStreams: input.endpoints.dynamodbStreams ?? input.endpoints.dynamodb,
  };
  for (const [service, variable] of Object.entries(SERVICE_ENDPOINT_VARIABLES)) {
    // A service without a local endpoint falls back to the refusing one (never to AWS).
    changes[variable] = endpoints[service as keyof AwsServiceEndpoints] ?? input.fallbackEndpoint;
  }
  changes.AWS_ENDPOINT_URL = input.fallbackEndpoint;
  changes.AWS_REGION = input.region;
  changes.AWS_DEFAULT_REGION = input.region;
  changes.AWS_ACCESS_KEY_ID = input.credentials.accessKeyId;
  changes.AWS_SECRET_ACCESS_KEY = input.credentials.secretAccessKey;
  changes.AWS_EC2_METADATA_DISABLED = 'true';
  return { ...changes, ...input.extra };
}

/**
 * Applies environment changes (`undefined` unsets) and returns a function that restores every touched
 * variable to what it was.
 *
 * @example
 * ```ts
 * const restore = applyEnvironment({ AWS_REGION: 'us-east-1', AWS_PROFILE: undefined });
 * // … run user code …
 * restore();
 * ```
 */
export function applyEnvironment(changes: EnvironmentChanges, env: NodeJS.ProcessEnv = process.env): () => void {
  const previous = new Map<string, string | undefined>();
  for (const [name, value] of Object.entries(changes)) {
    previous.set(name, env[name]);
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return () => {
    for (const [name, value] of previous) {
      if (value === undefined) delete env[name];
      else env[name] = value;
    }
  };
}
