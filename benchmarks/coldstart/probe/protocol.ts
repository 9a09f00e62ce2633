/** What the cold-start suite hands a probe process: the batch to invoke the handler with. */
export interface ProbeInput {
  readonly event: unknown;
  /** The Lambda context's fields; the probe adds `getRemainingTimeInMillis`. */
  readonly context: Readonly<Record<string, unknown>>;
  readonly remainingTimeMs: number;
}

/** What one probe process measured, printed as one JSON line on standard output. */
export interface ProbeResult {
  /** `await import(index.mjs)`, ms of wall-clock time. */
  readonly importMs: number;
  /** CPU time (user + system, every thread of the process) the import took, ms: steadier than wall-clock time on a busy machine. */
  readonly importCpuMs: number;
  /** The first invocation of the handler with the batch, ms of wall-clock time. */
  readonly invokeMs: number;
  readonly invokeCpuMs: number;
  readonly records: number;
  /** `batchItemFailures` of the response (0 for a valid batch). */
  readonly failures: number;
  /** `@aws-sdk/*` packages in `require.cache` (CommonJS, e.g. externals) after import and after the invocation. */
  readonly sdkInRequireCache: { readonly atImport: readonly string[]; readonly afterInvoke: readonly string[] };
  /** With tracing: `file:` URLs of every ES module loaded (bundle chunks, externals), after import and after the invocation. */
  readonly modulesLoaded?: { readonly atImport: readonly string[]; readonly afterInvoke: readonly string[] };
}
