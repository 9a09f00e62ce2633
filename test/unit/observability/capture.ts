import type { DestinationStream } from 'pino';

/** A pino destination that keeps every line in memory, parsed. */
export function captureDestination(): DestinationStream & {
  readonly raw: string[];
  lines(): Record<string, unknown>[];
} {
  const raw: string[] = [];
  return {
    raw,
    write(chunk: string) {
      raw.push(chunk);
    },
    lines: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
