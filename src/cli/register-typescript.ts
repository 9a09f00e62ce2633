import { extname } from 'node:path';
import { importTool } from '../local/missing-tool.js';

const TYPESCRIPT_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.tsx']);
let registered: Promise<void> | undefined;

/**
 * Registers tsx's loader in this process when `file` is TypeScript, so that a user's `shardflow.config.ts` and
 * the processors it imports load as they are. Once per process; a JavaScript config loads without it.
 *
 * @throws {MissingToolError} when the file is TypeScript and `tsx` is not installed
 *
 * @example
 * ```ts
 * await registerTypeScriptLoader('/app/shardflow.config.ts');
 * const config = await import('/app/shardflow.config.ts');
 * ```
 */
export function registerTypeScriptLoader(file: string): Promise<void> {
  if (!TYPESCRIPT_EXTENSIONS.has(extname(file))) return Promise.resolve();
  registered ??= importTool('tsx', () => import('tsx/esm/api')).then(({ register }) => {
    register();
  });
  return registered;
}
