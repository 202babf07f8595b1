// Plain JavaScript (type-checked through JSDoc) so that Jest's global setup can load it as it is.
import { createServer } from 'node:net';

/** @returns {Promise<number>} a TCP port free on loopback right now */
export const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
