import type {
  DynamoDBSourceConfig,
  KinesisSourceConfig,
  OnFailureDestinationConfig,
  RouteConfig,
  ShardflowConfig,
  StreamConfig,
} from '../config/types.js';
import type { QuarantineSinkSpec } from '../processing/quarantine/index.js';
import { assertStageName } from './deploy-names.js';
import { resolveIdempotencyRef, resolveOnFailureRef, resolveQuarantineRef, resolveSourceRef } from './resource-refs.js';
import { applyStageOverrides } from './stage-overrides.js';

function renameSource(
  source: KinesisSourceConfig | DynamoDBSourceConfig,
  name: string,
): KinesisSourceConfig | DynamoDBSourceConfig {
  return source.type === 'kinesis' ? { ...source, stream: name } : { ...source, table: name };
}

/** Routes that match the source by its config name keep matching under its stage name. */
function renameRouteStreams(routes: readonly RouteConfig[], from: string, to: string): readonly RouteConfig[] {
  if (from === to) return routes;
  return routes.map((route) => {
    const names = route.match?.stream;
    if (names === undefined) return route;
    const renamed = typeof names === 'string' ? (names === from ? to : names) : names.map((n) => (n === from ? to : n));
    return { ...route, match: { ...route.match, stream: renamed } };
  });
}

function physicalQuarantine(spec: QuarantineSinkSpec, stage: string, path: string): QuarantineSinkSpec {
  const ref = resolveQuarantineRef(spec, stage, path);
  if (ref.type !== 'resource') return spec;
  switch (spec.type) {
    case 's3':
      return { ...spec, bucket: ref.resource.name };
    case 'kinesis':
      return { ...spec, stream: ref.resource.name };
    case 'dynamodb':
      return { ...spec, table: ref.resource.name };
    default:
      return spec;
  }
}

function physicalOnFailure(
  onFailure: OnFailureDestinationConfig,
  stage: string,
  path: string,
): OnFailureDestinationConfig {
  const { name } = resolveOnFailureRef(onFailure, stage, path);
  switch (onFailure.type) {
    case 's3':
      return { ...onFailure, bucket: name };
    case 'sqs':
      return { ...onFailure, queue: name };
    case 'sns':
      return { ...onFailure, topic: name };
  }
}

function streamForStage(stream: StreamConfig, stage: string, path: string): StreamConfig {
  const source = resolveSourceRef(stream.source, stage, `${path}.source`);
  return {
    ...stream,
    source: renameSource(stream.source, source.name),
    routes: renameRouteStreams(stream.routes, source.configName, source.name),
    ...(stream.quarantine === undefined
      ? {}
      : { quarantine: physicalQuarantine(stream.quarantine, stage, `${path}.quarantine`) }),
    ...(stream.idempotency === undefined
      ? {}
      : {
          idempotency: {
            ...stream.idempotency,
            table: resolveIdempotencyRef(stream.idempotency, stage, `${path}.idempotency`).name,
          },
        }),
    ...(stream.onFailure === undefined
      ? {}
      : { onFailure: physicalOnFailure(stream.onFailure, stage, `${path}.onFailure`) }),
  };
}

/**
 * The config exactly as the functions of one stage see it: the stage's overrides applied (memory, timeout,
 * batch settings, log level) and every resource the stack creates renamed to its stage name
 * (`<name>-<stage>`) — sources created by the stack, on-failure destinations, quarantine sinks and
 * idempotency tables given by name; routes that match a renamed source by name follow it. Resources given by
 * ARN keep their names. The deploy template and the deployed handler both derive from this function, so
 * they cannot disagree.
 *
 * @throws {ConfigError} (and subclasses) when the stage or a deploy setting cannot work
 *
 * @example
 * ```ts
 * // the generated entry of the `orders` function of stage `prod`:
 * export const handler = createHandler(configForStage(config, 'prod'), 'orders');
 * ```
 */
export function configForStage(config: ShardflowConfig, stage: string): ShardflowConfig {
  assertStageName(stage);
  const staged = applyStageOverrides(config, stage);
  const streams: Record<string, StreamConfig> = {};
  for (const [name, stream] of Object.entries(staged.streams)) {
    streams[name] = streamForStage(stream, stage, `streams.${name}`);
  }
  return Object.freeze({ ...staged, streams });
}
