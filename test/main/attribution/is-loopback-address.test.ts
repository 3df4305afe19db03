// Only loopback peers are looked up; the spellings a socket may report must all be recognised.
import { describe, expect, it } from 'vitest';
import { isLoopbackAddress } from '../../../main/attribution/is-loopback-address.js';

describe('isLoopbackAddress', () => {
  it.each(['127.0.0.1', '127.1.2.3', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', '::FFFF:127.0.0.9', '::ffff:7f00:1'])('%s is loopback', (address) => {
    expect(isLoopbackAddress(address)).toBe(true);
  });

  it.each([undefined, '', 'localhost', '10.0.0.1', '::ffff:10.0.0.1', '::2', 'fe80::1%lo0', '128.0.0.1', '127.0.0.256', '127::1'])('%s is not', (address) => {
    expect(isLoopbackAddress(address)).toBe(false);
  });
});
