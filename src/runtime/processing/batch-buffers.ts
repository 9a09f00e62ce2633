import type { AnyProcessor, BatchCommitInfo } from '../config/processor.js';

/**
 * The per-invocation output buffers of processors that declare `batch`: created on first use, committed
 * once after the records ran. One instance per invocation — never shared across invocations.
 *
 * @example
 * ```ts
 * const buffers = new BatchBuffers();
 * buffers.for(processor)?.push(fact);
 * const failed = await buffers.commitAll(info); // processors whose commit threw
 * ```
 */
export class BatchBuffers {
  /** Made on the first buffer: most invocations have none. */
  #buffers: Map<AnyProcessor, unknown> | undefined;

  /** `true` while no processor has asked for its buffer: there is nothing to commit. */
  get isEmpty(): boolean {
    return this.#buffers === undefined;
  }

  /** The processor's buffer for this invocation (created on first call), or `undefined` without `batch`. */
  for(processor: AnyProcessor): unknown {
    if (processor.batch === undefined) return undefined;
    this.#buffers ??= new Map();
    if (!this.#buffers.has(processor)) this.#buffers.set(processor, processor.batch.create());
    return this.#buffers.get(processor);
  }

  /** Commits every buffer; resolves with the processors whose commit failed, and why. */
  async commitAll(info: BatchCommitInfo): Promise<Map<AnyProcessor, unknown>> {
    const failed = new Map<AnyProcessor, unknown>();
    await Promise.all(
      [...(this.#buffers ?? [])].map(async ([processor, buffer]) => {
        try {
          await processor.batch!.commit(buffer, info);
        } catch (error) {
          failed.set(processor, error);
        }
      }),
    );
    return failed;
  }
}
