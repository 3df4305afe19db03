// Splits a base64 `data:` URL (how OpenAI clients inline images and files) into media type and
// payload. Returns undefined for anything else; never fetches, never decodes the payload.

export interface DataUrl {
  /** Lower-cased, parameters dropped, e.g. `image/png`. */
  mediaType: string;
  /** The base64 payload as given. */
  data: string;
}

const DATA_URL = /^data:([a-z0-9.+-]+\/[a-z0-9.+-]+)((?:;[^;,]*)*?);base64,(.*)$/is;

export function parseDataUrl(url: string): DataUrl | undefined {
  const match = DATA_URL.exec(url);
  if (!match) return undefined;
  return { mediaType: match[1]!.toLowerCase(), data: match[3]! };
}
