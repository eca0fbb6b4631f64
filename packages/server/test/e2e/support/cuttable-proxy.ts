/**
 * A TCP proxy in front of the app that the browser talks to, so a test can kill the browser's
 * connections the way a network failure would: `cut()` destroys every open connection (the page
 * sees its WebSocket close abnormally) and refuses new ones until `restore()`, so the client's
 * reconnect attempts fail for as long as the test wants to look at the reconnecting state.
 */
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export interface CuttableProxy {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Connections opened so far (a cut counts them as closed, not as new ones). */
  readonly connectionsOpened: number;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startCuttableProxy(targetPort: number): Promise<CuttableProxy> {
  const open = new Set<Socket>();
  let isCut = false;
  let connectionsOpened = 0;

  const server = createServer((client) => {
    if (isCut) {
      client.destroy();
      return;
    }
    connectionsOpened += 1;
    const upstream = connect(targetPort, '127.0.0.1');
    open.add(client);
    open.add(upstream);
    const teardown = (): void => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', teardown).on('close', teardown);
    upstream.on('error', teardown).on('close', teardown);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  const destroyAll = (): void => {
    for (const socket of [...open]) socket.destroy();
    open.clear();
  };

  return {
    url: `http://127.0.0.1:${port}`,
    get connectionsOpened() {
      return connectionsOpened;
    },
    cut() {
      isCut = true;
      destroyAll();
    },
    restore() {
      isCut = false;
    },
    async close() {
      destroyAll();
      server.close();
      await once(server, 'close');
    },
  };
}
