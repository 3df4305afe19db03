import { describe, expect, it } from 'vitest';
import { DEFAULT_HEALTH_CHECK_TIMEOUT_MS, healthCheckTimeoutMs, sanitizeProbeError } from '../../../main/routing/probe-deployment.js';
import { deployment } from './routing-test-kit.js';

describe('healthCheckTimeoutMs', () => {
  it.each([
    [{}, DEFAULT_HEALTH_CHECK_TIMEOUT_MS],
    [{ health_check_timeout: 2.5 }, 2_500],
    [{ health_check_timeout: 0 }, DEFAULT_HEALTH_CHECK_TIMEOUT_MS],
    [{ health_check_timeout: '5' }, DEFAULT_HEALTH_CHECK_TIMEOUT_MS],
  ])('reads model_info %j as %d ms', (modelInfo, expected) => {
    expect(healthCheckTimeoutMs(deployment('d', { modelInfo }))).toBe(expected);
  });
});

describe('sanitizeProbeError', () => {
  const KEY = 'sk-live-0123456789abcdef';

  it('redacts the key and drops query strings and fragments from URLs', () => {
    const clean = sanitizeProbeError(`denied for ${KEY} see https://api.example.invalid/v1/models?key=${KEY}#frag and http://h.invalid/x`, KEY);
    expect(clean).toBe('denied for [redacted] see https://api.example.invalid/v1/models and http://h.invalid/x');
  });

  it('keeps one line of at most 300 characters', () => {
    const clean = sanitizeProbeError(`line one\nline two\r\n${'x'.repeat(400)}`, undefined);
    expect(clean).not.toMatch(/[\r\n]/);
    expect(clean.length).toBe(301);
    expect(clean.endsWith('…')).toBe(true);
  });
});
