// The error handler the team and user routes share: repository errors (TeamError, KeyError) become
// catalogue errors (not found 404, anything else 400, with the field at fault as `param`);
// everything else goes on to the root handler.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '../../core/gateway-error.js';
import { KeyError } from '../../keys/key-error.js';
import { TeamError } from '../../keys/team-error.js';

export function ownerErrorHandler(error: FastifyError | Error, _request: FastifyRequest, _reply: FastifyReply): never {
  if (error instanceof TeamError) {
    const notFound = error.code === 'team_not_found' || error.code === 'user_not_found' || error.code === 'member_not_found';
    throw new GatewayError(notFound ? 'not_found' : 'invalid_request', error.message, { param: error.param });
  }
  if (error instanceof KeyError) throw new GatewayError(error.code === 'key_not_found' ? 'not_found' : 'invalid_request', error.message, { param: error.param });
  throw error;
}
