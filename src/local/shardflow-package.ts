import { readFileSync } from 'node:fs';

/** The parts of shardflow's own `package.json` its tooling reads at run time. */
export interface ShardflowPackageJson {
  readonly name: string;
  readonly version: string;
  /** What the Lambda runtime needs. */
  readonly dependencies: Readonly<Record<string, string>>;
  /** The local and deploy tooling (emulators, tsx, commander …), left out by `npm install --omit=optional`. */
  readonly optionalDependencies: Readonly<Record<string, string>>;
  /**
   * What the user installs when they need it: zod, Powertools, the CDK, and the DynamoDB Local jar package
   * (`amplify-dynamodb-simulator`: with its own dependencies about 380 MB, so only for services with a
   * DynamoDB stream).
   */
  readonly peerDependencies: Readonly<Record<string, string>>;
  /** shardflow's own development tools; `shardflow init` pins a new service's tools to these ranges. */
  readonly devDependencies: Readonly<Record<string, string>>;
}

let cached: ShardflowPackageJson | undefined;

/**
 * shardflow's own `package.json`, read once from two levels above this module — the package root from both
 * `src/local/` (in the repository) and `dist/local/` (installed). The one place the tooling takes shardflow's
 * version and dependency ranges from, so they are never written down twice.
 *
 * @example
 * ```ts
 * shardflowPackageJson().optionalDependencies.kinesalite; // '^3.3.3'
 * ```
 */
export function shardflowPackageJson(): ShardflowPackageJson {
  if (cached === undefined) {
    const raw = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as Partial<
      Record<keyof ShardflowPackageJson, unknown>
    >;
    cached = {
      name: String(raw.name),
      version: String(raw.version),
      dependencies: ranges(raw.dependencies),
      optionalDependencies: ranges(raw.optionalDependencies),
      peerDependencies: ranges(raw.peerDependencies),
      devDependencies: ranges(raw.devDependencies),
    };
  }
  return cached;
}

function ranges(value: unknown): Readonly<Record<string, string>> {
  return typeof value === 'object' && value !== null ? (value as Record<string, string>) : {};
}
