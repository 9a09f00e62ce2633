import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { isRunning, stillRunningAfterWait } from './fixtures/processes.js';

const FIXTURE = 'test/integration/fixtures/start-emulators.ts';

/** Starts the fixture in a child Node process (through tsx) and resolves with DynamoDB Local's pid once it prints it. */
async function startChild(mode: 'wait' | 'exit'): Promise<{ child: ChildProcess; javaPid: number }> {
  const child = spawn(
    process.execPath,
    ['--conditions=shardflow-source', '--import', 'tsx', FIXTURE, ...(mode === 'exit' ? ['exit'] : [])],
    {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    if (line.includes('dynamodbLocalPid')) {
      const { dynamodbLocalPid } = JSON.parse(line) as { dynamodbLocalPid: number };
      return { child, javaPid: dynamodbLocalPid };
    }
  }
  throw new Error(`the fixture exited without printing the DynamoDB Local pid:\n${stderr}`);
}

function exitOf(child: ChildProcess): Promise<[number | null, NodeJS.Signals | null]> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve([child.exitCode, child.signalCode]);
  return once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
}

describe('emulator process hooks (a child Node process running startEmulators)', () => {
  it('on SIGINT stops everything, kills DynamoDB Local and then dies of the signal', async () => {
    // Arrange
    const { child, javaPid } = await startChild('wait');
    const running = isRunning(javaPid);

    // Act
    child.kill('SIGINT');
    const [code, signal] = await exitOf(child);

    // Assert
    expect(running).toBe(true);
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGINT' });
    expect(() => process.kill(javaPid, 0)).toThrow();
  });

  it('on process.exit without stop() kills DynamoDB Local from the exit hook', async () => {
    // Arrange / Act
    const { child, javaPid } = await startChild('exit');
    const [code] = await exitOf(child);

    // Assert
    expect(code).toBe(0);
    // SIGKILL from the exit hook is delivered asynchronously; the orphan is then reaped by init.
    expect(await stillRunningAfterWait(javaPid)).toBe(false);
  });
});
