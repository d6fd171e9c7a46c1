import { createServer } from 'node:net';
import { Aedes } from 'aedes';

/**
 * Starts an in-process MQTT 3.1.1 broker (no `$share`, no MQTT 5) on 127.0.0.1:`port`, for running
 * without Mosquitto. With `anyPortIfTaken`, a free port is used when that one is in use.
 * @param {number} port
 * @param {boolean} [anyPortIfTaken]
 * @returns {Promise<{ port: number, close: () => Promise<void> }>}
 */
export async function startEmbeddedBroker(port, anyPortIfTaken = false) {
  const broker = await Aedes.createBroker();
  const sockets = new Set();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => sockets.delete(socket));
    broker.handle(socket);
  });
  let boundPort;
  try {
    boundPort = await listen(server, port);
  } catch (err) {
    if (!anyPortIfTaken || err.code !== 'EADDRINUSE') throw err;
    boundPort = await listen(server, 0);
  }
  return {
    port: boundPort,
    close: async () => {
      await new Promise((resolve) => broker.close(() => resolve()));
      // Connected clients must see the broker go away, not a half-open socket.
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function listen(server, port) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve(server.address().port);
    });
  });
}
