// The JSON an adapter's UpstreamCall sends, whether its body is text or the client's bytes.
import type { UpstreamCall } from '../../main/providers/provider-adapter.js';

export function upstreamCallJson(call: UpstreamCall): any {
  if (call.body === undefined) throw new Error('the call has no body');
  return JSON.parse(typeof call.body === 'string' ? call.body : new TextDecoder().decode(call.body));
}
