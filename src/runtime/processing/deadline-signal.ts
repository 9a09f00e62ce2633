/**
 * What `ctx.signal` promises wherever it is compiled: the members of an `AbortSignal` that tell whether and
 * why the deadline guard tripped. Every `AbortSignal` (Node's, the DOM's) satisfies it; at run time
 * `ctx.signal` is Node's `AbortSignal`.
 *
 * @example
 * ```ts
 * async process(order, ctx) {
 *   ctx.signal.throwIfAborted(); // the Lambda deadline is near: stop before starting more work
 * }
 * ```
 */
export interface DeadlineSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  throwIfAborted(): void;
  addEventListener(type: 'abort', listener: () => void, options?: { readonly once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/**
 * The type of `ctx.signal`: the global `AbortSignal` when the project declares one (`@types/node` or the DOM
 * lib), so it can be handed to `fetch` or an SDK call's `abortSignal`; otherwise {@link DeadlineSignal}, so
 * that shardflow's declarations compile with `lib: ["ES2023"]` alone (`AbortSignal` is not part of ECMAScript).
 *
 * @example
 * ```ts
 * const response = await fetch(url, { signal: ctx.signal }); // with @types/node: ctx.signal is an AbortSignal
 * ```
 */
export type AbortSignalLike = typeof globalThis extends { AbortSignal: { prototype: infer TSignal } }
  ? TSignal
  : DeadlineSignal;
