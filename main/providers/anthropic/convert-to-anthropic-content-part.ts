// Converts one OpenAI user-content part (text, image_url, file) into an Anthropic content block.
// Images: data: URLs become base64 sources; http(s) URLs become `{type:'url'}` sources that
// Anthropic fetches — the gateway itself never fetches a URL from request data (SSRF).
import { GatewayError } from '../../core/gateway-error.js';
import { isRecord } from '../parse-json-safely.js';
import { parseDataUrl } from '../openai-format/parse-data-url.js';

type Json = Record<string, unknown>;

/** The image media types the Messages API accepts. */
const IMAGE_MEDIA_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

export function convertToAnthropicContentPart(part: unknown, where: string): Json | undefined {
  if (typeof part === 'string') return textBlock(part);
  if (!isRecord(part)) throw invalid(`${where} must be a content part object`);
  let block: Json | undefined;
  switch (part.type) {
    case 'text':
      if (typeof part.text !== 'string') throw invalid(`${where}.text must be a string`);
      block = textBlock(part.text);
      break;
    case 'image_url':
      block = imageBlock(part.image_url, where);
      break;
    case 'file':
      block = fileBlock(part.file, where);
      break;
    case 'input_audio':
      throw invalid(`${where}: audio input is not supported by Anthropic models`);
    default:
      throw invalid(`${where}.type ${JSON.stringify(part.type)} is not supported by Anthropic models`);
  }
  if (block && isRecord(part.cache_control)) block.cache_control = part.cache_control;
  return block;
}

/** A text block, or undefined for blank text: the Messages API rejects empty text blocks. */
export function textBlock(text: string): Json | undefined {
  return text.trim() === '' ? undefined : { type: 'text', text };
}

function imageBlock(imageUrl: unknown, where: string): Json {
  const url = isRecord(imageUrl) ? imageUrl.url : imageUrl;
  if (typeof url !== 'string') throw invalid(`${where}.image_url.url must be a string`);
  const inline = parseDataUrl(url);
  if (inline) {
    // Some clients send PDFs through image_url; Anthropic takes them as documents.
    if (inline.mediaType === 'application/pdf') return { type: 'document', source: { type: 'base64', media_type: inline.mediaType, data: inline.data } };
    if (!IMAGE_MEDIA_TYPES.has(inline.mediaType)) {
      throw invalid(`${where}: image type ${inline.mediaType} is not supported by Anthropic (use jpeg, png, gif or webp)`);
    }
    return { type: 'image', source: { type: 'base64', media_type: inline.mediaType, data: inline.data } };
  }
  if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url } };
  throw invalid(`${where}.image_url.url must be a base64 data: URL or an http(s) URL`);
}

function fileBlock(file: unknown, where: string): Json {
  if (!isRecord(file)) throw invalid(`${where}.file must be an object`);
  if (typeof file.file_data !== 'string') throw invalid(`${where}: only inline file_data is supported for Anthropic models, not file_id`);
  const inline = parseDataUrl(file.file_data);
  if (!inline || inline.mediaType !== 'application/pdf') throw invalid(`${where}.file.file_data must be a base64 data: URL of a PDF`);
  const block: Json = { type: 'document', source: { type: 'base64', media_type: inline.mediaType, data: inline.data } };
  if (typeof file.filename === 'string' && file.filename !== '') block.title = file.filename;
  return block;
}

function invalid(message: string): GatewayError {
  return new GatewayError('invalid_request', message, { param: 'messages' });
}
