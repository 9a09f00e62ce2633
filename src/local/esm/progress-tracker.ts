/**
 * Tracks which records of a shard are handled, in read order, and yields the checkpoint: the last
 * sequence number before which every record is handled. With a parallelization factor, lanes finish
 * out of order; the shard's single checkpoint only moves over a contiguous handled prefix.
 *
 * @example
 * ```ts
 * const tracker = new ProgressTracker();
 * const a = tracker.add('1'); const b = tracker.add('2');
 * tracker.markDone(b); tracker.checkpoint(); // undefined: '1' is still open
 * tracker.markDone(a); tracker.checkpoint(); // '2'
 * ```
 */
export class ProgressTracker {
  #sequences: string[] = [];
  #done: boolean[] = [];
  /** Global index of `#sequences[0]`. */
  #base = 0;
  /** Local index of the first record not yet handled. */
  #head = 0;
  #checkpoint: string | undefined;

  constructor(initialCheckpoint?: string) {
    this.#checkpoint = initialCheckpoint;
  }

  /** Registers a record read from the shard; returns its index. */
  add(sequenceNumber: string): number {
    this.#sequences.push(sequenceNumber);
    this.#done.push(false);
    return this.#base + this.#sequences.length - 1;
  }

  /** Marks one record handled. */
  markDone(index: number): void {
    const local = index - this.#base;
    if (local >= 0 && local < this.#done.length) this.#done[local] = true;
    this.#advance();
  }

  /** Records read but not yet handled. */
  get pending(): number {
    return this.#done.length - this.#head;
  }

  /** The last sequence number of the handled prefix (the checkpoint), if any. */
  checkpoint(): string | undefined {
    return this.#checkpoint;
  }

  #advance(): void {
    while (this.#head < this.#done.length && this.#done[this.#head]) {
      this.#checkpoint = this.#sequences[this.#head];
      this.#head++;
    }
    if (this.#head > 4096 && this.#head * 2 > this.#done.length) {
      this.#sequences = this.#sequences.slice(this.#head);
      this.#done = this.#done.slice(this.#head);
      this.#base += this.#head;
      this.#head = 0;
    }
  }
}
