/**
 * Loopback servers for tests: a server listening on a free port of 127.0.0.1, an HTTP
 * server as an endpoint that closes with its kept-alive connections, and a port nothing
 * listens on (every call to it is refused at once).
 */
import type { Server as HttpServer } from 'node:http';
import { createServer, type AddressInfo, type Server } from 'node:net';

/** Starts `server` on a free loopback port; the port. */
export async function listenOnLoopback(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Starts `server` on loopback: its `http://127.0.0.1:port`, and a close that drops open connections. */
export async function serveOnLoopback(
  server: HttpServer,
): Promise<{ readonly endpoint: string; close(): Promise<void> }> {
  const port = await listenOnLoopback(server);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port nothing listens on (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listenOnLoopback(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
