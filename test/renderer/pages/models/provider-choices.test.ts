import { describe, expect, it } from 'vitest';
import { PROVIDER_CHOICES } from '../../../../renderer/src/pages/models/provider-choices.js';
import { PROVIDER_CATALOG } from '../../../../main/providers/provider-catalog.js';

describe('PROVIDER_CHOICES', () => {
  it.each(PROVIDER_CHOICES.map((c) => [c.prefix, c] as const))('%s matches the gateway catalogue (default base URL, local or not)', (prefix, choice) => {
    const entry = PROVIDER_CATALOG[prefix];
    expect(entry).toBeDefined();
    expect(choice.defaultApiBase).toBe(entry!.defaultApiBase);
    expect(choice.local).toBe(entry!.local);
    expect(Boolean(choice.needsApiVersion)).toBe(entry!.protocol === 'azure');
  });
});
