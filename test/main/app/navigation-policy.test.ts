import { describe, expect, it } from 'vitest';
import { decideNavigation, decidePermission, decideWindowOpen, isSafeExternalUrl } from '../../../main/app/navigation-policy.js';

const ORIGIN = 'http://127.0.0.1:4141';

describe('navigation-policy', () => {
  it.each([
    ['http://127.0.0.1:4141/', 'allow'],
    ['http://127.0.0.1:4141/keys?page=2#top', 'allow'],
    ['http://127.0.0.1:4141/assets/index.js', 'allow'],
    ['HTTP://127.0.0.1:4141/', 'allow'],
    ['http://127.0.0.1:4142/', 'deny'],
    ['http://localhost:4141/', 'deny'],
    ['https://127.0.0.1:4141/', 'deny'],
    ['http://127.0.0.1:4141@evil.example/', 'deny'],
    ['http://user@127.0.0.1:4141/', 'deny'],
    ['http://user:pass@127.0.0.1:4141/', 'deny'],
    ['http://127.0.0.1.evil.example:4141/', 'deny'],
    ['https://evil.example/', 'deny'],
    ['https://github.com/switchboard', 'deny'],
    ['file:///etc/passwd', 'deny'],
    ['javascript:alert(1)', 'deny'],
    ['data:text/html,<script>alert(1)</script>', 'deny'],
    ['about:blank', 'deny'],
    ['chrome://settings', 'deny'],
    ['devtools://devtools/bundled/inspector.html', 'deny'],
    ['', 'deny'],
    ['not a url', 'deny'],
    [`http://127.0.0.1:4141/${'a'.repeat(3000)}`, 'deny'],
  ])('navigation to %s: %s', (url, expected) => {
    expect(decideNavigation(url, ORIGIN)).toBe(expected);
  });

  it('denies every navigation while the gateway is not running', () => {
    expect(decideNavigation('http://127.0.0.1:4141/', null)).toBe('deny');
  });

  it.each([
    ['http://127.0.0.1:4141/keys', { kind: 'open-in-app', url: 'http://127.0.0.1:4141/keys' }],
    ['https://docs.litellm.ai/docs/proxy/configs', { kind: 'open-external', url: 'https://docs.litellm.ai/docs/proxy/configs' }],
    ['https://platform.openai.com/api-keys', { kind: 'open-external', url: 'https://platform.openai.com/api-keys' }],
    ['http://example.com/', { kind: 'deny' }],
    ['http://localhost:4141/', { kind: 'deny' }],
    ['https://user:pass@example.com/', { kind: 'deny' }],
    ['file:///C:/Windows/System32/calc.exe', { kind: 'deny' }],
    ['ms-msdt:/id PCWDiagnostic', { kind: 'deny' }],
    ['vscode://file/etc/passwd', { kind: 'deny' }],
    ['smb://attacker/share', { kind: 'deny' }],
    ['javascript:alert(1)', { kind: 'deny' }],
    ['mailto:a@example.com', { kind: 'deny' }],
    ['', { kind: 'deny' }],
  ])('window.open(%s) never opens a window: %o', (url, expected) => {
    expect(decideWindowOpen(url, ORIGIN)).toEqual(expected);
  });

  it.each([
    ['https://example.com/', true],
    ['https://example.com:8443/path?q=1', true],
    ['http://example.com/', false],
    ['https://', false],
    ['https://user@example.com/', false],
    ['HTTPS://EXAMPLE.COM/', true],
    [`https://example.com/${'a'.repeat(3000)}`, false],
  ])('external URL %s is safe: %s', (url, expected) => {
    expect(isSafeExternalUrl(url)).toBe(expected);
  });

  it.each([
    ['clipboard-sanitized-write', 'http://127.0.0.1:4141/keys', true],
    ['fullscreen', 'http://127.0.0.1:4141/', true],
    ['clipboard-sanitized-write', 'https://evil.example/', false],
    ['clipboard-read', 'http://127.0.0.1:4141/', false],
    ['media', 'http://127.0.0.1:4141/', false],
    ['geolocation', 'http://127.0.0.1:4141/', false],
    ['notifications', 'http://127.0.0.1:4141/', false],
    ['openExternal', 'http://127.0.0.1:4141/', false],
  ])('permission %s requested by %s: %s', (permission, url, expected) => {
    expect(decidePermission(permission, url, ORIGIN)).toBe(expected);
  });
});
