// The cap on request header lines, over real sockets: Node's parser silently drops every header
// after the 2,000th (its maxHeadersCount), so a non-browser client could hide an Origin (or a
// second Host) behind filler headers and the guard would never see it. Over the cap: 431 in the
// error contract; at the cap: served.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_REQUEST_HEADERS } from '../../../main/gateway/plugins/header-count-limit.js';
import { rawRequest } from '../../support/raw-http.js';
import { startTestGateway, type TestGateway } from '../../support/test-gateway.js';

const YAML = 'model_list:\n  - model_name: m\n    litellm_params: { model: openai/m, api_base: "http://127.0.0.1:9/v1" }\n';
let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway(YAML, { listen: true });
});
afterAll(() => gateway.close());

/** GET /v1/models with Host and Connection (2 lines), `filler` more, then `last` lines. */
function withHeaders(filler: number, last = ''): string {
  let text = `GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1:${gateway.port}\r\nConnection: close\r\n`;
  for (let i = 0; i < filler; i++) text += `x-f${i}: 1\r\n`;
  return `${text}${last}\r\n`;
}

describe('header-count-limit', () => {
  it('documents a cap well above what clients send and far below what Node would read', () => {
    expect(MAX_REQUEST_HEADERS).toBe(100);
  });

  it('serves a request with exactly the maximum number of header lines', async () => {
    const res = await rawRequest(gateway.port, withHeaders(MAX_REQUEST_HEADERS - 2));
    expect(res.status).toBe(200);
  });

  it('refuses one header line more with 431 in the error contract', async () => {
    const res = await rawRequest(gateway.port, withHeaders(MAX_REQUEST_HEADERS - 1));
    expect(res.status).toBe(431);
    expect(JSON.parse(res.body).error).toMatchObject({ type: 'invalid_request_error', code: 'headers_too_large', message: expect.stringContaining(String(MAX_REQUEST_HEADERS)) });
  });

  it('refuses an Origin hidden behind 2,000 filler headers (which Node would drop unseen)', async () => {
    const res = await rawRequest(gateway.port, withHeaders(2_100, 'Origin: https://evil.example\r\n'));
    expect(res.status).toBe(431);
    expect(res.body).not.toContain('evil.example');
  });
});
