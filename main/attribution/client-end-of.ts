// Which row of an OS TCP table is the caller's end of a gateway connection: the row whose local
// address and port are the caller's (the gateway's socket.remoteAddress/remotePort) and whose
// remote address and port are the gateway's own. The gateway's end of the same connection has the
// two swapped and must never match (it would name the gateway itself). Pure.
import type { LoopbackConnection } from './caller-process.js';
import { canonicalAddress } from './canonical-address.js';

/** A TCP table row's two ends, addresses in canonicalAddress() form. */
export interface TcpEndpoints {
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
}

/** Tests rows against one connection; the connection's addresses are canonicalised once. */
export type ClientEndTest = (row: TcpEndpoints) => boolean;

/** A test for the caller's end of `connection`, or null when its addresses are not IP addresses. */
export function clientEndOf(connection: LoopbackConnection): ClientEndTest | null {
  const clientAddress = canonicalAddress(connection.clientAddress);
  const serverAddress = canonicalAddress(connection.serverAddress);
  if (clientAddress === null || serverAddress === null) return null;
  const { clientPort, serverPort } = connection;
  return (row) =>
    row.localPort === clientPort && row.remotePort === serverPort && row.localAddress === clientAddress && row.remoteAddress === serverAddress;
}
