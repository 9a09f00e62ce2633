import { describe, expect, it } from 'vitest';
import { drainQueue, TaskQueue } from '../../../src/runtime/processing/bounded-runner.js';

/** A promise the test resolves. */
function gate() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** A worker that runs `run` on each task it takes. */
const eachTask =
  <T>(run: (task: T) => Promise<void>) =>
  async (queue: TaskQueue<T>) => {
    for (let task = queue.take(); task !== undefined; task = queue.take()) await run(task);
  };

describe('TaskQueue', () => {
  it('hands out each task once, in order, and nothing after close', () => {
    // Arrange
    const queue = new TaskQueue(['a', 'b', 'c']);

    // Act
    const first = [queue.take(), queue.take()];
    const remaining = queue.remaining;
    queue.close();

    // Assert
    expect(first).toEqual(['a', 'b']);
    expect(remaining).toBe(1);
    expect(queue.take()).toBeUndefined();
    expect(queue.remaining).toBe(0);
  });
});

describe('drainQueue', () => {
  it('starts tasks in order, at most `limit` at a time, and runs them all', async () => {
    // Arrange
    const gates = Array.from({ length: 5 }, gate);
    const started: number[] = [];
    let running = 0;
    let most = 0;

    // Act
    const done = drainQueue(
      new TaskQueue([0, 1, 2, 3, 4]),
      2,
      eachTask(async (i: number) => {
        started.push(i);
        running++;
        most = Math.max(most, running);
        await gates[i]!.promise;
        running--;
      }),
      undefined,
    );
    const startedBeforeAnyFinished = [...started];
    for (const g of [1, 0, 3, 2, 4]) {
      gates[g]!.open();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await done;

    // Assert
    expect(startedBeforeAnyFinished).toEqual([0, 1]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(2);
  });

  it('rejects with the first error and hands out no further task', async () => {
    // Arrange
    const started: number[] = [];
    const queue = new TaskQueue([0, 1, 2, 3]);

    // Act
    const outcome = drainQueue(
      queue,
      1,
      eachTask(async (i: number) => {
        started.push(i);
        if (i === 1) throw new Error('task 1');
      }),
      undefined,
    );

    // Assert
    await expect(outcome).rejects.toThrow('task 1');
    expect(started).toEqual([0, 1]);
    expect(queue.remaining).toBe(0);
  });

  it('resolves at once for no tasks', async () => {
    // Assert
    await expect(
      drainQueue(
        new TaskQueue([]),
        16,
        eachTask(async () => {}),
        undefined,
      ),
    ).resolves.toBeUndefined();
  });
});
