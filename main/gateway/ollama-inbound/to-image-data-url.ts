// Turns an Ollama image (bare base64, no media type) into the data: URL OpenAI's image_url part
// needs, naming the type from the image's first bytes. Never fetches anything and never accepts a
// file it cannot name: an unknown type is a 400 rather than a guess the upstream would reject later.
import { invalidOllamaField } from './parse-ollama-common-fields.js';

/** Magic bytes of the image types every vision API takes (OpenAI, Anthropic, Gemini). */
const SIGNATURES: ReadonlyArray<readonly [string, (bytes: Buffer) => boolean]> = [
  ['image/png', (b) => b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))],
  ['image/jpeg', (b) => b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff],
  ['image/gif', (b) => b.length >= 6 && (b.subarray(0, 6).toString('latin1') === 'GIF87a' || b.subarray(0, 6).toString('latin1') === 'GIF89a')],
  ['image/webp', (b) => b.length >= 12 && b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP'],
];

/** The media type of a base64 image from its first bytes, or undefined when it is none of the four. */
export function detectImageMediaType(base64: string): string | undefined {
  // 16 base64 characters decode to 12 bytes: enough for every signature above.
  const head = Buffer.from(base64.slice(0, 16), 'base64');
  return SIGNATURES.find(([, matches]) => matches(head))?.[0];
}

/** `where` names the field in the 400 (`messages[0].images[1]`). */
export function toImageDataUrl(image: string, where: string): string {
  // Some clients send a data: URL where Ollama documents bare base64; the bytes decide either way.
  const comma = image.startsWith('data:') ? image.indexOf(',') : -1;
  const base64 = (comma >= 0 ? image.slice(comma + 1) : image).trim();
  const mediaType = base64 === '' ? undefined : detectImageMediaType(base64);
  if (mediaType === undefined) throw invalidOllamaField(`${where} must be a base64 PNG, JPEG, GIF or WebP image`, where);
  return `data:${mediaType};base64,${base64}`;
}
