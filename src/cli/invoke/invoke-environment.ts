import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import {
  EMULATOR_CREDENTIALS,
  EMULATOR_REGION,
  type EmulatedService,
  type RunningEmulators,
  startEmulators,
} from '../../local/emulators/index.js';
import {
  appResourceVariables,
  createAppResources,
  type LocalAws,
  localAppResources,
  startLocalAws,
} from '../../local/esm/local-aws/index.js';
import type { ShardflowConfig } from '../../runtime/config/types.js';
import type { Logger } from '../../runtime/observability/logger.js';
import { runningDev } from '../dev/dev-state.js';
import { shownPath } from '../dev/shown-path.js';
import { selectStreams } from '../load-config.js';

/** Where one `shardflow invoke` runs its handler's AWS calls. */
export interface InvokeEnvironment {
  /** One line for the terminal: which environment this is. */
  readonly description: string;
  readonly region: string;
  /** Clients for the engine's own quarantine sink and idempotency store (`{}`: the SDK defaults). */
  readonly clients: { readonly s3?: S3Client; readonly kinesis?: KinesisClient; readonly dynamodb?: DynamoDBClient };
  close(): Promise<void>;
}

/**
 * The environment of one invocation, never AWS unless `aws`: the emulators of the `shardflow dev` that
 * runs on the data dir; else the emulators this stream needs (its quarantine, idempotency table and the
 * app resources it uses) started on the data dir for this invocation; else none. Either way, the
 * handler's and processors' AWS SDK clients are aimed there ({@link startLocalAws}) and every other AWS
 * service is refused.
 *
 * @example
 * ```ts
 * const environment = await openInvokeEnvironment(config, 'clicks', { dataDir, aws: false, logger });
 * try { … } finally { await environment.close(); }
 * ```
 */
export async function openInvokeEnvironment(
  config: ShardflowConfig,
  streamName: string,
  options: { readonly dataDir: string; readonly aws: boolean; readonly logger: Logger },
): Promise<InvokeEnvironment> {
  if (options.aws) {
    const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? EMULATOR_REGION;
    return {
      description: `environment: AWS (--aws), region ${region}, the credentials of your environment`,
      region,
      clients: {},
      close: async () => {},
    };
  }
  const resources = localAppResources(config).filter((resource) => {
    const streams = config.resources?.[resource.key]?.streams;
    return streams === undefined || streams.includes(streamName);
  });
  const variables = appResourceVariables(resources);
  const dev = await runningDev(options.dataDir);
  let emulators: RunningEmulators | undefined;
  let local: LocalAws | undefined;
  let clients: InvokeEnvironment['clients'];
  let description: string;
  try {
    if (dev !== undefined) {
      const base = { region: dev.region, credentials: dev.credentials };
      clients = {
        ...(dev.endpoints.s3
          ? { s3: new S3Client({ ...base, endpoint: dev.endpoints.s3, forcePathStyle: true }) }
          : {}),
        ...(dev.endpoints.dynamodb
          ? { dynamodb: new DynamoDBClient({ ...base, endpoint: dev.endpoints.dynamodb }) }
          : {}),
        ...(dev.endpoints.kinesis
          ? {
              kinesis: new KinesisClient({
                ...base,
                endpoint: dev.endpoints.kinesis,
                requestHandler: new NodeHttpHandler(),
              }),
            }
          : {}),
      };
      local = await startLocalAws({
        endpoints: dev.endpoints,
        region: dev.region,
        credentials: dev.credentials,
        variables,
        logger: options.logger,
      });
      description = `environment: the emulators of shardflow dev (pid ${dev.pid}) on ${shownPath(options.dataDir)}`;
    } else {
      const services = servicesFor(config, streamName, resources);
      // The local environment first: emulators started next take their region from it.
      local = await startLocalAws({
        region: EMULATOR_REGION,
        credentials: EMULATOR_CREDENTIALS,
        variables,
        logger: options.logger,
      });
      if (services.length > 0) {
        emulators = await startEmulators(selectStreams(config, [streamName]), {
          services,
          dataDir: join(options.dataDir, 'emulators'),
        });
        await local.useEndpoints(emulators.endpoints);
        await createAppResources(resources, emulators.clients);
      }
      clients = emulators?.clients ?? {};
      description =
        services.length > 0
          ? `environment: emulators (${services.join(', ')}) on ${shownPath(options.dataDir)}, started for this invocation`
          : 'environment: local, no emulator needed (AWS calls are refused: local runs never reach AWS)';
    }
  } catch (error) {
    await local?.stop();
    await emulators?.stop();
    throw error;
  }
  const owned = dev !== undefined ? Object.values(clients) : [];
  return {
    description,
    region: dev?.region ?? EMULATOR_REGION,
    clients,
    close: async () => {
      for (const client of owned) client.destroy();
      await local?.stop();
      await emulators?.stop();
    },
  };
}

/** The emulators one stream's invocation needs: its quarantine, idempotency table and app resources. */
function servicesFor(
  config: ShardflowConfig,
  streamName: string,
  resources: readonly { readonly type: 's3' | 'dynamodb' }[],
): EmulatedService[] {
  const stream = config.streams[streamName]!;
  const needed = new Set<EmulatedService>(resources.map((resource) => resource.type));
  const quarantine = stream.quarantine?.type;
  if (quarantine === 's3' || quarantine === 'dynamodb' || quarantine === 'kinesis') needed.add(quarantine);
  if (stream.idempotency !== undefined) needed.add('dynamodb');
  return (['kinesis', 'dynamodb', 's3'] as const).filter((service) => needed.has(service));
}
