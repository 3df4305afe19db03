import { describe, expect, it } from 'vitest';
import { detectImageMediaType, toImageDataUrl } from '../../../../main/gateway/ollama-inbound/to-image-data-url.js';
import { isGatewayError } from '../../../../main/core/gateway-error.js';

const b64 = (bytes: number[] | string) => Buffer.from(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : Buffer.from(bytes)).toString('base64');
const PNG = b64([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72]);
const JPEG = b64([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70]);
const GIF = b64('GIF89a\x01\x00\x01\x00');
const WEBP = b64('RIFF\x24\x00\x00\x00WEBPVP8 ');

describe('detectImageMediaType', () => {
  it.each([
    [PNG, 'image/png'],
    [JPEG, 'image/jpeg'],
    [GIF, 'image/gif'],
    [WEBP, 'image/webp'],
    [b64('%PDF-1.7 xxxx'), undefined],
    [b64('RIFF\x24\x00\x00\x00WAVEfmt '), undefined],
  ])('names %s as %s', (image, type) => {
    expect(detectImageMediaType(image)).toBe(type);
  });
});

describe('toImageDataUrl', () => {
  it('prefixes bare base64 with its media type', () => {
    expect(toImageDataUrl(JPEG, 'images[0]')).toBe(`data:image/jpeg;base64,${JPEG}`);
  });

  it('re-types a data: URL from its bytes, not from what it claims', () => {
    expect(toImageDataUrl(`data:image/jpeg;base64,${PNG}`, 'images[0]')).toBe(`data:image/png;base64,${PNG}`);
  });

  it.each(['', 'not base64 at all', b64('hello world, no image')])('refuses %j with a 400 naming the field', (image) => {
    let error: unknown;
    try {
      toImageDataUrl(image, 'messages[2].images[1]');
    } catch (caught) {
      error = caught;
    }
    expect(isGatewayError(error) && error.status === 400 && error.param === 'messages[2].images[1]').toBe(true);
  });
});
