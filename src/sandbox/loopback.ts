/**
 * Loopback ports for the sandbox's local servers (the emulator, PostgreSQL, the API
 * Gateway stand-in, the runtime's endpoints): one way to find a free one and one way
 * to listen on one.
 */
import { createServer, type AddressInfo, type Server } from 'node:net';

/** A port nobody listens on right now. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * Starts `server` listening on 127.0.0.1 at `port` (any free one by default) and returns
 * the port it got; a failure to listen (the port is taken) rejects.
 */
export async function listenOnLoopback(server: Server, port = 0): Promise<number> {
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', fail);
      done();
    });
  });
  return (server.address() as AddressInfo).port;
}
