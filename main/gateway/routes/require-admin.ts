// The admin check for the routing management routes (/active-model, /health, /model/discover):
// the master key, or open local mode (no key configured). A virtual key is refused with 403
// admin_only. Reads only the principal authentication attached, never the presented key.
import type { FastifyRequest } from 'fastify';
import { GatewayError } from '../../core/gateway-error.js';
import { isAdmin, type Principal } from '../../core/principal.js';

export function requireAdmin(request: FastifyRequest): void {
  const principal = (request as FastifyRequest & { principal: Principal | null }).principal;
  if (principal && isAdmin(principal)) return;
  throw new GatewayError('admin_only', 'This route needs the admin (master) key; virtual keys cannot manage Switchboard');
}
