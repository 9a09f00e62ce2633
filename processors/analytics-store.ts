import { TransientError } from 'shardflow';

/** A downstream outage the demo injects: the first write of a key fails with this probability. */
export interface InjectedFaults {
  readonly rate: number;
  readonly random: () => number;
}

/**
 * The demo's analytics sink: an in-memory fact table. Facts are keyed, so a redelivered record that
 * slipped past idempotency shows up as a duplicate key — the demo checks there are none. It can also
 * play a flaky downstream (`faults`): the first write of a key sometimes fails with a TransientError.
 */
export class AnalyticsStore {
  readonly facts = new Map<string, Record<string, unknown>>();
  duplicates = 0;
  injectedFailures = 0;
  faults: InjectedFaults | undefined;
  readonly #failedOnce = new Set<string>();

  /** Adds immutable facts atomically (all or none); counts a duplicate when a key exists already. */
  put(...facts: [key: string, fact: Record<string, unknown>][]): void {
    if (facts.length === 0) return;
    this.#maybeFail(facts[0]![0]);
    for (const [key, fact] of facts) {
      if (this.facts.has(key)) this.duplicates++;
      this.facts.set(key, fact);
    }
  }

  /** Creates or updates a mutable aggregate. */
  upsert(key: string, update: (current: Record<string, unknown> | undefined) => Record<string, unknown>): void {
    this.#maybeFail(key);
    this.facts.set(key, update(this.facts.get(key)));
  }

  ofKind(kind: string): Record<string, unknown>[] {
    return [...this.facts.values()].filter((fact) => fact.kind === kind);
  }

  reset(): void {
    this.facts.clear();
    this.#failedOnce.clear();
    this.duplicates = 0;
    this.injectedFailures = 0;
  }

  #maybeFail(key: string): void {
    if (this.faults === undefined || this.#failedOnce.has(key)) return;
    if (this.faults.random() < this.faults.rate) {
      this.#failedOnce.add(key);
      this.injectedFailures++;
      throw new TransientError(`analytics store unavailable (injected) for ${key}`);
    }
  }
}

export const analytics = new AnalyticsStore();
