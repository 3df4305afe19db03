import { describe, expect, it } from 'vitest';
import { buildCurlCommand, shellQuote } from '../../../../renderer/src/pages/playground/build-curl-command.js';

describe('buildCurlCommand', () => {
  const body = { model: 'gpt-mock', messages: [{ role: 'user', content: 'hi' }], stream: true };

  it('posts the body as JSON to the endpoint with the key as the $SWITCHBOARD_KEY variable', () => {
    const command = buildCurlCommand('http://127.0.0.1:4141/v1/chat/completions', body);
    expect(command).toBe([
      "curl -N 'http://127.0.0.1:4141/v1/chat/completions' \\",
      '  -H "Authorization: Bearer $SWITCHBOARD_KEY" \\',
      "  -H 'Content-Type: application/json' \\",
      `  -d '${JSON.stringify(body, null, 2)}'`,
    ].join('\n'));
  });

  it('never contains a key value, only the variable', () => {
    expect(buildCurlCommand('http://localhost:1/v1/chat/completions', body)).not.toMatch(/Bearer sk-/);
  });

  it.each([
    ["it's", `'it'\\''s'`],
    ['$HOME `id` \\n !x', `'$HOME \`id\` \\n !x'`],
    ["''", `''\\'''\\'''`],
  ])('quotes %j so the shell reads it literally', (text, quoted) => {
    expect(shellQuote(text)).toBe(quoted);
  });

  it('keeps a quote inside a message intact in the JSON it sends', () => {
    const command = buildCurlCommand('http://127.0.0.1:4141/v1/chat/completions', { model: 'm', messages: [{ role: 'user', content: "don't" }] });
    expect(command).toContain(`"content": "don'\\''t"`);
  });
});
