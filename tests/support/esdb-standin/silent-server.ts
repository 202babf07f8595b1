import { createServer, type Socket } from 'node:net';

export interface SilentServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * A TCP server that accepts connections and never answers a byte: what a hung node or a black-holing
 * proxy looks like to the client, which then waits forever unless the caller has its own timeout.
 */
export const startSilentServer = async (): Promise<SilentServer> => {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `esdb://127.0.0.1:${port}?tls=false`,
    port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
