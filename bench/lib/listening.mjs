// @ts-check
// The port of a listening server, for the peers and helper servers that listen on a free port.

/**
 * The port `server` listens on; throws when it does not listen on a TCP port.
 * @param {{ address(): import('node:net').AddressInfo | string | null }} server
 */
export function portOf(server) {
  const address = server.address();
  if (address === null || typeof address === 'string') {
    throw new Error(`the server is not listening on a TCP port (${address})`);
  }
  return address.port;
}

/**
 * Starts `server` listening on `host`:`port` (0: a free port) and resolves with the port it got.
 * @param {import('node:net').Server} server
 * @param {number} [port]
 * @param {string} [host]
 * @returns {Promise<number>}
 */
export function listen(server, port = 0, host = '127.0.0.1') {
  return new Promise((resolve) => server.listen(port, host, () => resolve(portOf(server))));
}
