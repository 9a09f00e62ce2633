/** Messages between the memory sweep and its worker process (JSON over the fork IPC channel). */

/** Parent → worker: run batches for a while and report. */
export interface RunRequest {
  readonly type: 'run';
  readonly phase: 'baseline' | 'limited';
  readonly durationMs: number;
}

/** Worker → parent: loaded and warmed up. */
export interface ReadyMessage {
  readonly type: 'ready';
  readonly rssMB: number;
}

/** Worker → parent: what one phase measured. */
export interface PhaseResult {
  readonly type: 'result';
  readonly phase: RunRequest['phase'];
  readonly batches: number;
  /** Wall time of each batch (handler call to resolution), ms. */
  readonly durationsMs: number[];
  /** CPU time (user + system) of the process over the phase, ms. */
  readonly cpuMs: number;
  readonly wallMs: number;
  readonly maxRssMB: number;
}

/** Worker → parent: it failed. */
export interface ErrorMessage {
  readonly type: 'error';
  readonly message: string;
}

export type WorkerMessage = ReadyMessage | PhaseResult | ErrorMessage;
