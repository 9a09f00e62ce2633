import type { AnyProcessor, WindowContext } from '../config/processor.js';
import type { TumblingWindowFields } from '../records/lambda-events.js';

/**
 * The carried state of one invocation: one slice per windowed processor, keyed by processor name, so
 * that several aggregators can share a stream. Returned to Lambda as the response's `state`.
 *
 * @example
 * ```ts
 * const windows = WindowState.from(event, processors);
 * windows?.contextFor(processor)?.state; // the processor's aggregate
 * ```
 */
export class WindowState {
  readonly #contexts = new Map<string, WindowContext<unknown>>();
  readonly #processors: readonly AnyProcessor[];
  readonly isFinal: boolean;
  readonly start: string;
  readonly end: string;
  readonly terminatedEarly: boolean;

  private constructor(fields: TumblingWindowFields, processors: readonly AnyProcessor[]) {
    const carried = fields.state ?? {};
    this.start = fields.window?.start ?? '';
    this.end = fields.window?.end ?? '';
    this.isFinal = fields.isFinalInvokeForWindow === true;
    this.terminatedEarly = fields.isWindowTerminatedEarly === true;
    this.#processors = processors.filter((p) => p.window !== undefined);
    for (const processor of this.#processors) {
      const state = Object.hasOwn(carried, processor.name) ? carried[processor.name] : processor.window!.initial();
      this.#contexts.set(processor.name, {
        start: this.start,
        end: this.end,
        isFinal: this.isFinal,
        terminatedEarly: this.terminatedEarly,
        state,
      });
    }
  }

  /** `undefined` when the event carries no `window` (tumbling windows off). */
  static from(event: TumblingWindowFields, processors: readonly AnyProcessor[]): WindowState | undefined {
    if (event.window === undefined || event.window === null) return undefined;
    return new WindowState(event, processors);
  }

  /** The window context of a processor, or `undefined` when it declares no window. */
  contextFor(processor: AnyProcessor): WindowContext<unknown> | undefined {
    return this.#contexts.get(processor.name);
  }

  /** A deep copy of a processor's state, taken before a record so a failure can roll it back. */
  snapshot(processor: AnyProcessor): unknown {
    const ctx = this.#contexts.get(processor.name);
    return ctx === undefined ? undefined : structuredClone(ctx.state);
  }

  /** Restores a snapshot after the record that was changing it failed. */
  restore(processor: AnyProcessor, snapshot: unknown): void {
    const ctx = this.#contexts.get(processor.name);
    if (ctx !== undefined) ctx.state = snapshot;
  }

  /** Runs every windowed processor's `onClose` (on the final invocation). */
  async close(): Promise<void> {
    for (const processor of this.#processors) {
      const ctx = this.#contexts.get(processor.name)!;
      await processor.window!.onClose?.(ctx.state, {
        start: this.start,
        end: this.end,
        terminatedEarly: this.terminatedEarly,
      });
    }
  }

  /** The response `state`: `{}` after the final invocation (Lambda discards it), else every slice. */
  toResponseState(): Record<string, unknown> {
    if (this.isFinal) return {};
    const state: Record<string, unknown> = {};
    for (const [name, ctx] of this.#contexts) state[name] = ctx.state;
    return state;
  }
}
