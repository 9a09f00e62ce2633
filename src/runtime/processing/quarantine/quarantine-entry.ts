/**
 * One poison record as written to a quarantine sink: the full record as Lambda delivered it, where it
 * came from, and why it could not be processed. Serialised as one JSON object (one NDJSON line).
 *
 * @example
 * ```ts
 * const line = JSON.stringify(entry); // {"version":"1","service":"shop-analytics","stream":"orders",…}
 * ```
 */
export interface QuarantineEntry {
  readonly version: '1';
  readonly service: string;
  readonly stream: string; // the config's stream name
  readonly functionName: string | undefined;
  readonly awsRequestId: string | undefined;
  readonly quarantinedAt: string; // ISO-8601 with ms
  readonly source: 'kinesis' | 'dynamodb';
  readonly eventID: string;
  readonly eventSourceARN: string;
  readonly shardId: string | undefined;
  readonly sequenceNumber: string | undefined;
  readonly subSequenceNumber: number | undefined;
  readonly partitionKey: string | undefined;
  readonly processor: string | undefined; // processor the record was routed to, if any
  readonly error: { readonly name: string; readonly message: string; readonly issues?: unknown }; // issues: zod issues for schema violations
  readonly record: unknown; // the Lambda record exactly as delivered (base64 data kept), for redrive
  readonly userRecord?: { readonly partitionKey: string; readonly explicitHashKey?: string; readonly data: string }; // KPL sub-record (data base64)
  /** Set when the configured redaction paths were applied to the payload (see `keepRedactedInQuarantine`). */
  readonly redacted?: {
    readonly paths: readonly string[];
    readonly droppedNonJsonData?: { bytes: number; sha256: string };
  };
}

/**
 * Where quarantined records go. `write` resolves only once every entry is durably stored; otherwise it
 * rejects (shardflow's sinks reject with `QuarantineWriteError`) and the engine reports the records for
 * retry, so nothing is lost.
 *
 * @example
 * ```ts
 * const sink: QuarantineSink = { kind: 'console', async write(entries) { console.log(entries.length) } };
 * ```
 */
export interface QuarantineSink {
  readonly kind: string;
  write(entries: readonly QuarantineEntry[]): Promise<void>;
}
