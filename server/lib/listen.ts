import { getRequestListener } from '@hono/node-server';
import { createServer, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';

export interface Listening {
  port: number;
  close(): Promise<void>;
}

/**
 * Serves a fetch handler on loopback only: 127.0.0.1 and, where the machine
 * has it, ::1. Both, because `localhost` (the host name WebAuthn and the SDK's
 * `allowedDomains` need) may resolve to either.
 */
export async function listenLoopback(
  fetch: (request: Request) => Response | Promise<Response>,
  port: number,
  tls?: { key: string; cert: string },
): Promise<Listening> {
  const listener = getRequestListener(fetch);
  const make = () => (tls ? createTlsServer({ key: tls.key, cert: tls.cert }, listener) : createServer(listener));
  const first = await listenOn(make(), port, '127.0.0.1');
  const actualPort = (first.address() as { port: number }).port;
  const servers: Server[] = [first];
  const close = () => Promise.all(servers.map(closeServer)).then(() => undefined);
  try {
    servers.push(await listenOn(make(), actualPort, '::1'));
  } catch (error) {
    // No IPv6 loopback here (or the port is taken there): 127.0.0.1 alone still serves localhost.
    if (!['EADDRNOTAVAIL', 'EAFNOSUPPORT', 'EADDRINUSE'].includes((error as { code?: string }).code ?? '')) {
      // The caller gets no handle to close the first listener with.
      await close();
      throw error;
    }
  }
  return { port: actualPort, close };
}

function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function listenOn(server: Server, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
