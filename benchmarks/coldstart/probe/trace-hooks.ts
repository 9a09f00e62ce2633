/**
 * Module customization hooks of a tracing probe: appends the URL of every module loaded to a file, so
 * the probe (on the main thread) can tell which bundle chunks and which external packages an import
 * evaluated. Registered with `module.register` before the handler is imported.
 */
import { appendFileSync } from 'node:fs';

let traceFile: string | undefined;

export function initialize(data: { readonly traceFile: string }): void {
  traceFile = data.traceFile;
}

export async function load(
  url: string,
  context: unknown,
  nextLoad: (url: string, context: unknown) => Promise<unknown>,
): Promise<unknown> {
  const result = await nextLoad(url, context);
  if (traceFile !== undefined) appendFileSync(traceFile, `${url}\n`);
  return result;
}
