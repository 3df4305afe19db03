// The admin check for management routes: the master key, or open local mode (no key configured).
// A virtual key is refused with 403 admin_only. Never looks at the presented key itself; it reads
// only the principal authentication attached.
import type { FastifyRequest } from 'fastify';
import { GatewayError } from '../gateway-error.js';
import type { Principal } from '../principal.js';

export function requireAdmin(request: FastifyRequest): void {
  const principal = (request as FastifyRequest & { principal: Principal | null }).principal;
  if (principal?.kind === 'master' || principal?.kind === 'open') return;
  throw new GatewayError('admin_only', 'This route needs the admin (master) key');
}
