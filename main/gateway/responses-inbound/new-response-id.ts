// A fresh Responses API id: `resp_` + 32 random hex digits (128 bits), as unguessable as OpenAI's
// own, so a later response store can key on it. Never derived from the request or a clock.
import { randomUUID } from 'node:crypto';

export function newResponseId(): string {
  return `resp_${randomUUID().replace(/-/g, '')}`;
}
