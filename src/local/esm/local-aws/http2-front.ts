import http, { type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import http2 from 'node:http2';
import net, { type AddressInfo } from 'node:net';

/** A running {@link startHttp2Front}. */
export interface Http2Front {
  /** `http://127.0.0.1:<port>`: speaks HTTP/1.1 and cleartext HTTP/2 (prior knowledge). */
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** The connection preface every HTTP/2 client sends first. */
const HTTP2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n');

/** Headers HTTP/2 forbids (connection-specific) and HTTP/2 pseudo-headers. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
]);

/**
 * A loopback front for an HTTP/1.1-only emulator (kinesalite): accepts HTTP/1.1 and cleartext HTTP/2 on
 * one port — told apart by the HTTP/2 connection preface — and forwards every request to `target` over
 * HTTP/1.1. The AWS SDK's Kinesis client speaks HTTP/2 by default, so a user's `new KinesisClient({})`
 * aimed at kinesalite through `AWS_ENDPOINT_URL_KINESIS` needs this; HTTP/1.1 clients work as well.
 *
 * @example
 * ```ts
 * const front = await startHttp2Front(kinesalite.endpoint);
 * process.env.AWS_ENDPOINT_URL_KINESIS = front.endpoint;
 * await new KinesisClient({}).send(new ListStreamsCommand({})); // HTTP/2 → front → kinesalite
 * await front.stop();
 * ```
 */
export async function startHttp2Front(target: string): Promise<Http2Front> {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true });
  const forward = (
    method: string,
    path: string,
    headers: IncomingHttpHeaders,
    body: NodeJS.ReadableStream,
    respond: (status: number, headers: OutgoingHttpHeaders, response: http.IncomingMessage) => void,
    fail: (error: Error) => void,
  ) => {
    const outgoing: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(headers)) {
      if (!name.startsWith(':') && !HOP_BY_HOP.has(name) && value !== undefined) outgoing[name] = value;
    }
    outgoing.host = upstream.host;
    const request = http.request(
      { host: upstream.hostname, port: upstream.port, method, path, headers: outgoing, agent },
      (response) => {
        const back: OutgoingHttpHeaders = {};
        for (const [name, value] of Object.entries(response.headers)) {
          if (!HOP_BY_HOP.has(name) && value !== undefined) back[name] = value;
        }
        respond(response.statusCode ?? 502, back, response);
      },
    );
    request.once('error', fail);
    body.pipe(request);
  };

  const h1 = http.createServer((request, response) => {
    forward(
      request.method ?? 'GET',
      request.url ?? '/',
      request.headers,
      request,
      (status, headers, upstreamResponse) => {
        response.writeHead(status, headers);
        upstreamResponse.pipe(response);
      },
      (error) => {
        response.statusCode = 502;
        response.end(error.message);
      },
    );
  });
  const h2 = http2.createServer();
  h2.on('stream', (stream, headers) => {
    forward(
      String(headers[':method'] ?? 'GET'),
      String(headers[':path'] ?? '/'),
      headers as IncomingHttpHeaders,
      stream,
      (status, back, upstreamResponse) => {
        stream.respond({ ...back, ':status': status });
        upstreamResponse.pipe(stream);
      },
      (error) => {
        if (!stream.headersSent) stream.respond({ ':status': 502 });
        stream.end(error.message);
      },
    );
  });
  // The protocol servers listen on their own loopback ports; the front relays each connection's bytes to one
  // of them (an HTTP/2 session reads its socket natively, so bytes already read cannot be handed back to it).
  const [h1Port, h2Port] = await Promise.all([listen(h1), listen(h2)]);
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const front = net.createServer((socket) => {
    track(socket);
    socket.once('data', (chunk: Buffer) => {
      // No HTTP/1.1 method starts with "PRI": the first bytes tell the protocols apart.
      const isHttp2 = chunk.subarray(0, 3).equals(HTTP2_PREFACE.subarray(0, 3));
      const inner = net.connect(isHttp2 ? h2Port : h1Port, '127.0.0.1');
      track(inner);
      inner.write(chunk);
      socket.pipe(inner).pipe(socket);
      const close = () => {
        socket.destroy();
        inner.destroy();
      };
      socket.once('error', close);
      inner.once('error', close);
      socket.once('close', close);
      inner.once('close', close);
    });
  });
  const port = await listen(front);
  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () => {
      stopped ??= (async () => {
        for (const socket of sockets) socket.destroy();
        agent.destroy();
        await Promise.all([front, h1, h2].map((server) => new Promise<void>((done) => server.close(() => done()))));
      })();
      return stopped;
    },
  };
}

/** Listens on a free loopback port (unref'd: a front never keeps the process alive). */
async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(0, '127.0.0.1', () => resolveListen());
  });
  server.unref();
  return (server.address() as AddressInfo).port;
}
