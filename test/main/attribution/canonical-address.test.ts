// One text form per address, so the gateway's socket addresses and OS table bytes compare equal.
import { describe, expect, it } from 'vitest';
import { canonicalAddress, ipv4AddressAt, ipv6AddressAt } from '../../../main/attribution/canonical-address.js';
import { hexBytes } from './fixtures/hex-bytes.js';

describe('canonicalAddress', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['::FFFF:10.1.2.3', '10.1.2.3'],
    ['::FFFF:7f00:1', '127.0.0.1'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['FE80::1%lo0', 'fe80::1'],
    ['fe80::1%7', 'fe80::1'],
    ['2001:db8::ffff:7f00:1', '2001:db8::ffff:7f00:1'],
  ])('%s -> %s', (text, canonical) => {
    expect(canonicalAddress(text)).toBe(canonical);
  });

  it.each(['localhost', '', '127.0.0.256', '::1::1', '127.000.0.1', '::ffff:', '::ffff:127.0.0.256'])('%j is not an address', (text) => {
    expect(canonicalAddress(text)).toBeNull();
  });
});

describe('addresses from bytes', () => {
  it('reads IPv4 and IPv6 at an offset, a mapped IPv6 as IPv4', () => {
    const bytes = hexBytes('ff 7f 00 00 01 00*10 ff ff c0 a8 01 0a 20 01 0d b8 00*11 01');
    expect(ipv4AddressAt(bytes, 1)).toBe('127.0.0.1');
    expect(ipv6AddressAt(bytes, 5)).toBe('192.168.1.10');
    expect(ipv6AddressAt(bytes, 21)).toBe('2001:db8::1');
  });

  it('gives the loopback shortcuts (::1, ::, mapped) and the general path the same text as canonicalAddress', () => {
    for (const text of ['::1', '::', '::ffff:127.0.0.1', '::2', '::1:0', '::ffff:0:1', '1::', 'fe80::1:0:0:1', '::7f00:1', '0:0:0:0:0:1:0:1']) {
      const bytes = new Uint8Array(16);
      // Expand through the URL parser's IPv6 serialisation, independent of the code under test.
      const expanded = new URL(`http://[${text}]/`).hostname.slice(1, -1);
      const [head = '', tail = ''] = expanded.split('::');
      const groups = (part: string) => (part === '' ? [] : part.split(':').map((word) => Number.parseInt(word, 16)));
      const all = [...groups(head), ...new Array(8 - groups(head).length - groups(tail).length).fill(0), ...groups(tail)];
      all.forEach((word, i) => { bytes[i * 2] = word >> 8; bytes[i * 2 + 1] = word & 0xff; });
      expect([text, ipv6AddressAt(bytes, 0)]).toEqual([text, canonicalAddress(text)]);
    }
  });
});
