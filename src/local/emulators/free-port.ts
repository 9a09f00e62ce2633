import { createServer } from 'node:net';
import { ShardflowError } from '../../runtime/errors.js';

/**
 * Asks the OS for a free TCP port on a loopback address by binding port `0` and closing the
 * socket again. Another process may take the port before the caller binds it, so launchers that
 * spawn a child on the returned port should retry on "address in use".
 *
 * @param host - the loopback address to probe (default `127.0.0.1`; never a public interface)
 * @returns a port number that was free a moment ago
 *
 * @example
 * ```ts
 * const port = await findFreePort();
 * spawn('java', ['-jar', 'DynamoDBLocal.jar', '-port', String(port)]);
 * ```
 */
export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : undefined;
      server.close((closeError) => {
        if (closeError) reject(closeError);
        else if (port === undefined) reject(new ShardflowError(`could not read the port bound on ${host}`));
        else resolve(port);
      });
    });
  });
}
