/**
 * User code's AWS, made local: endpoint variables, a refusing endpoint for services without an
 * emulator, an HTTP/2 front for kinesalite, a guard against connections to AWS, and the config's app
 * resources on the emulators.
 *
 * @example
 * ```ts
 * import { startLocalAws } from './local-aws/index.js';
 * const local = await startLocalAws({ endpoints, region: 'us-east-1', credentials });
 * await local.stop();
 * ```
 */
export {
  AppResourceError,
  appResourceVariables,
  createAppResources,
  type LocalAppResource,
  localAppResources,
} from './app-resources.js';
export { AwsConnectionBlockedError, guardAwsConnections, isAwsHost } from './aws-guard.js';
export {
  type AwsServiceEndpoints,
  applyEnvironment,
  CLEARED_VARIABLES,
  type EnvironmentChanges,
  localAwsVariables,
  SERVICE_ENDPOINT_VARIABLES,
} from './environment.js';
export { type Http2Front, startHttp2Front } from './http2-front.js';
export { type LocalAws, type LocalAwsOptions, startLocalAws } from './local-aws.js';
export {
  NO_LOCAL_SERVICE_CODE,
  type RefusedRequest,
  type RefusingEndpoint,
  startRefusingEndpoint,
} from './refusing-endpoint.js';
