import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DynamoDBLocalStartError,
  JavaNotFoundError,
  localDynamoDBClientConfig,
  startDynamoDBLocal,
} from '../../src/local/emulators/dynamodb-local.js';

/** `process.kill(pid, 0)` throws ESRCH once the process is gone. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** This machine's non-loopback IPv4 addresses (may be none in a sandbox). */
function externalAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((address) => address !== undefined && !address.internal && address.family === 'IPv4')
    .map((address) => address!.address);
}

/** Whether something accepts TCP connections on `host:port`. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const scratchDirs: string[] = [];

afterAll(async () => {
  for (const dir of scratchDirs) await rm(dir, { recursive: true, force: true });
});

/**
 * A stand-in `java` executable (a shell script) that answers `-version` with `versionLine` and otherwise
 * runs `body`: it drives the launcher's failure paths without a broken JDK.
 */
async function fakeJava(versionLine: string, body: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'shardflow-fake-java-'));
  scratchDirs.push(dir);
  const javaPath = join(dir, 'java');
  const script = `#!/bin/sh\nif [ "$1" = "-version" ]; then echo '${versionLine}' >&2; exit 0; fi\n${body}\n`;
  await writeFile(javaPath, script);
  await chmod(javaPath, 0o755);
  return javaPath;
}

describe('startDynamoDBLocal (real DynamoDB Local child process)', () => {
  it('serves the DynamoDB API on loopback, shares tables across credentials and leaves no Java process behind', async () => {
    // Arrange
    const ddb = await startDynamoDBLocal();
    const client = new DynamoDBClient(localDynamoDBClientConfig(ddb.endpoint));
    const otherAccount = new DynamoDBClient({
      ...localDynamoDBClientConfig(ddb.endpoint),
      region: 'eu-west-1',
      credentials: { accessKeyId: 'someoneelse', secretAccessKey: 'secret' },
    });

    try {
      // Act
      await client.send(
        new CreateTableCommand({
          TableName: 'launcher-check',
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
      const seenByOther = await otherAccount.send(new ListTablesCommand({}));
      const reachableOutside = await Promise.all(externalAddresses().map((address) => accepts(address, ddb.port)));

      // Assert
      expect(ddb.endpoint).toBe(`http://127.0.0.1:${ddb.port}`);
      expect(seenByOther.TableNames).toContain('launcher-check'); // -sharedDb
      expect(reachableOutside.every((reachable) => !reachable)).toBe(true); // bound to 127.0.0.1 only
      expect(isAlive(ddb.pid)).toBe(true);
    } finally {
      client.destroy();
      otherAccount.destroy();
      await ddb.stop();
    }

    // Assert: stopped means gone, and a second stop is harmless
    expect(isAlive(ddb.pid)).toBe(false);
    expect(() => process.kill(ddb.pid, 0)).toThrow();
    expect(await accepts('127.0.0.1', ddb.port)).toBe(false);
    await expect(ddb.stop()).resolves.toBeUndefined();
  });

  it('fails with JavaNotFoundError, saying how to install Java 17+, when the java binary does not exist', async () => {
    // Arrange
    const javaPath = '/nonexistent/jdk/bin/java';

    // Act
    const started = startDynamoDBLocal({ javaPath });

    // Assert
    await expect(started).rejects.toBeInstanceOf(JavaNotFoundError);
    await expect(started).rejects.toThrow(/Java 17\+ runtime.*was not found.*openjdk-17-jre-headless/s);
  });

  it('rejects a Java older than 17 with JavaNotFoundError naming the version found', async () => {
    // Arrange
    const javaPath = await fakeJava('openjdk version "11.0.22" 2024-01-16', 'exit 1');

    // Act
    const error = await startDynamoDBLocal({ javaPath }).catch((caught: unknown) => caught);

    // Assert
    expect(error).toBeInstanceOf(JavaNotFoundError);
    expect(error).toMatchObject({ foundVersion: 11, javaPath });
    expect((error as Error).message).toMatch(/is Java 11.*brew install openjdk@17/s);
  });

  it('reads the Java 8 version format (1.8.0) as 8', async () => {
    // Arrange
    const javaPath = await fakeJava('java version "1.8.0_392"', 'exit 1');

    // Act
    const error = await startDynamoDBLocal({ javaPath }).catch((caught: unknown) => caught);

    // Assert
    expect(error).toMatchObject({ name: 'JavaNotFoundError', foundVersion: 8 });
  });

  it('includes the tail of the child output when DynamoDB Local dies during startup', async () => {
    // Arrange
    const javaPath = await fakeJava(
      'openjdk version "17.0.15" 2025-04-15',
      'echo "Initializing DynamoDB Local"; echo "A fatal error occured: disk full" >&2; exit 1',
    );

    // Act
    const error = await startDynamoDBLocal({ javaPath }).catch((caught: unknown) => caught);

    // Assert
    expect(error).toBeInstanceOf(DynamoDBLocalStartError);
    expect((error as Error).message).toMatch(/exited during startup \(code 1/);
    expect((error as DynamoDBLocalStartError).output).toContain('A fatal error occured: disk full');
    expect((error as Error).message).toContain('A fatal error occured: disk full');
  });

  it('gives up with a clear error when DynamoDB Local never answers within startupTimeoutMs', async () => {
    // Arrange: a "java" that starts, prints, and never listens.
    const javaPath = await fakeJava('openjdk version "21.0.2" 2024-01-16', 'echo "stuck initialising"; exec sleep 30');

    // Act
    const error = await startDynamoDBLocal({ javaPath, startupTimeoutMs: 300 }).catch((caught: unknown) => caught);

    // Assert
    expect(error).toBeInstanceOf(DynamoDBLocalStartError);
    expect((error as Error).message).toMatch(/did not answer ListTables on http:\/\/127\.0\.0\.1:\d+ within 300 ms/);
    expect((error as DynamoDBLocalStartError).output).toContain('stuck initialising');
    expect(isAlive((error as DynamoDBLocalStartError).pid!)).toBe(false);
  });

  it('fails fast with the port in the message, and no JVM left running, when the requested port is taken', async () => {
    // Arrange: something else already listens on the port.
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const port = (squatter.address() as { port: number }).port;

    try {
      // Act
      const error = await startDynamoDBLocal({ port }).catch((caught: unknown) => caught);

      // Assert
      expect(error).toBeInstanceOf(DynamoDBLocalStartError);
      expect((error as Error).message).toContain(`could not bind 127.0.0.1:${port}`);
      expect((error as DynamoDBLocalStartError).output).toContain('Address already in use');
      expect(isAlive((error as DynamoDBLocalStartError).pid!)).toBe(false);
    } finally {
      squatter.close();
    }
  });
});
