import { connect, createServer, type Server, type Socket } from 'node:net';

export interface FaultProxy {
  /** The port clients connect to; it stays the same through downs and ups. */
  port: number;
  /**
   * Stops listening and cuts every open connection at once (a crashed server: new connections are refused).
   * Answers how many of the cut connections were in the middle of an SMTP message.
   */
  down(): Promise<{ midMessage: number }>;
  /** Connections in the middle of an SMTP message now: a MAIL FROM sent, its message not yet answered "queued". */
  midMessage(): number;
  /** Listens again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A TCP proxy on loopback in front of `targetPort`, to take a server "down"
 * and bring it back without restarting it: down refuses connections and cuts
 * the live ones mid-conversation, as a crashed or unplugged server would.
 */
export async function startFaultProxy(targetPort: number): Promise<FaultProxy> {
  const sockets = new Set<Socket>();
  /** Per client connection: messages begun (MAIL FROM sent) and messages the server answered as queued. */
  const messages = new Map<Socket, { begun: number; queued: number }>();
  let server: Server | undefined;
  let port = 0;

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const next = createServer((client) => {
        const upstream = connect(targetPort, '127.0.0.1');
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => undefined);
        }
        // Counted from the conversation itself, so a test can tell a cut that hit a message
        // from one that only closed idle connections. SMTP lines never span chunks that matter
        // here: each count looks at whole lines kept across chunks.
        const count = { begun: 0, queued: 0 };
        messages.set(client, count);
        client.on('close', () => messages.delete(client));
        countLines(client, /^MAIL FROM:/i, () => count.begun++);
        countLines(upstream, /^250 .*queued/i, () => count.queued++);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
      });
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => {
        port = (next.address() as { port: number }).port;
        server = next;
        resolve();
      });
    });

  const midMessage = () => [...messages.values()].filter((m) => m.begun > m.queued).length;

  const down = async () => {
    const closing = server;
    server = undefined;
    const cutMidMessage = midMessage();
    for (const socket of sockets) socket.resetAndDestroy();
    if (closing) await new Promise<void>((resolve) => closing.close(() => resolve()));
    return { midMessage: cutMidMessage };
  };

  await listen();
  return {
    get port() {
      return port;
    },
    down,
    midMessage,
    async up() {
      if (!server) await listen();
    },
    async close() {
      await down();
    },
  };
}

/** Calls `onLine` for each line of `socket`'s data that matches `pattern`. */
function countLines(socket: Socket, pattern: RegExp, onLine: () => void): void {
  let partial = '';
  socket.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString('latin1')).split('\r\n');
    partial = lines.pop()!.slice(-1024);
    for (const line of lines) if (pattern.test(line)) onLine();
  });
}
