// A loopback port nothing listens on, for connection-refused tests: bind 127.0.0.1:0, note the
// port, close. Another process could grab it in between; on a test machine that is vanishingly
// rare, and the failure would show as a wrong status, never as a hang.
import { createServer, type AddressInfo } from 'node:net';

export async function refusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
