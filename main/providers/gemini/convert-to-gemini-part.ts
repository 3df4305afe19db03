// Converts one OpenAI user-content part (text, image_url, input_audio, file) into a Gemini part:
// inline data as `inlineData`, http(s)/gs URLs as `fileData` that Gemini fetches itself — the
// gateway never fetches a URL from request data (SSRF).
import { GatewayError } from '../../core/gateway-error.js';
import { isRecord } from '../parse-json-safely.js';
import { parseDataUrl } from '../openai-format/parse-data-url.js';

type Json = Record<string, unknown>;

const MEDIA_TYPES_BY_EXTENSION: Record<string, string> = {
  png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', webp: 'image/webp', gif: 'image/gif',
  heic: 'image/heic', heif: 'image/heif', pdf: 'application/pdf',
};

export function convertToGeminiPart(part: unknown, where: string): Json | undefined {
  if (typeof part === 'string') return part === '' ? undefined : { text: part };
  if (!isRecord(part)) throw invalid(`${where} must be a content part object`);
  switch (part.type) {
    case 'text':
      if (typeof part.text !== 'string') throw invalid(`${where}.text must be a string`);
      // Gemini rejects empty text parts.
      return part.text === '' ? undefined : { text: part.text };
    case 'image_url':
      return imagePart(part.image_url, where);
    case 'input_audio': {
      const audio = isRecord(part.input_audio) ? part.input_audio : {};
      if (typeof audio.data !== 'string' || (audio.format !== 'wav' && audio.format !== 'mp3')) throw invalid(`${where}.input_audio must have base64 data and format wav or mp3`);
      return { inlineData: { mimeType: audio.format === 'wav' ? 'audio/wav' : 'audio/mp3', data: audio.data } };
    }
    case 'file': {
      const file = isRecord(part.file) ? part.file : {};
      const inline = typeof file.file_data === 'string' ? parseDataUrl(file.file_data) : undefined;
      if (!inline) throw invalid(`${where}.file.file_data must be a base64 data: URL (file_id is not supported for Gemini models)`);
      return { inlineData: { mimeType: inline.mediaType, data: inline.data } };
    }
    default:
      throw invalid(`${where}.type ${JSON.stringify(part.type)} is not supported by Gemini models`);
  }
}

function imagePart(imageUrl: unknown, where: string): Json {
  const url = isRecord(imageUrl) ? imageUrl.url : imageUrl;
  if (typeof url !== 'string') throw invalid(`${where}.image_url.url must be a string`);
  const inline = parseDataUrl(url);
  if (inline) return { inlineData: { mimeType: inline.mediaType, data: inline.data } };
  if (/^(https?|gs):\/\//i.test(url)) return { fileData: { mimeType: mediaTypeOf(url), fileUri: url } };
  throw invalid(`${where}.image_url.url must be a base64 data: URL or an http(s) URL`);
}

/** fileData needs a media type; an image_url is an image, so unknown extensions say JPEG. */
function mediaTypeOf(url: string): string {
  const path = url.split(/[?#]/)[0] ?? '';
  const extension = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase();
  return (extension && MEDIA_TYPES_BY_EXTENSION[extension]) ?? 'image/jpeg';
}

function invalid(message: string): GatewayError {
  return new GatewayError('invalid_request', message, { param: 'messages' });
}
