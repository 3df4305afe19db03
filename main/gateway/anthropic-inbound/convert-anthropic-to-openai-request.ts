// Translates a validated Anthropic Messages request into the gateway's canonical OpenAI chat body,
// for upstreams that do not speak Anthropic (Anthropic deployments get the request natively).
// Never drops instructions silently (system prompts, in-array system turns: litellm #36917); what
// cannot be carried over is refused with a 400 naming the field. Pure: no I/O, no URL fetching.
import { GatewayError } from '../../core/gateway-error.js';
import {
  isAnthropicBlock,
  isAnthropicCustomTool,
  type AnthropicContentBlock,
  type AnthropicCustomTool,
  type AnthropicDocumentBlock,
  type AnthropicImageBlock,
  type AnthropicMessagesRequest,
  type AnthropicSearchResultBlock,
  type AnthropicTextBlock,
  type AnthropicToolResultBlock,
} from './anthropic-request-schema.js';
import { mapAnthropicReasoningEffort } from './map-anthropic-reasoning-effort.js';

export interface ConvertAnthropicRequestOptions {
  /**
   * What to do with tools whose `type` is dated (web_search_20250305, code_execution_...,
   * bash_20250124): Anthropic runs or defines them, an OpenAI-format upstream cannot. 'reject'
   * (default) answers 400, so the client learns its search did not run rather than getting an
   * answer the model made up; 'drop' removes them and keeps the caller's own tools.
   */
  serverTools?: 'reject' | 'drop';
}

type OpenAIContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string } }
  | { type: 'file'; file: { filename: string; file_data: string } };

interface OpenAIToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

type OpenAIMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string | OpenAIContentPart[] }
  | { role: 'assistant'; content: string | null; tool_calls?: OpenAIToolCall[] }
  | { role: 'tool'; tool_call_id: string; content: string };

/** Separator between Anthropic blocks that become one OpenAI string. */
const BLOCK_SEPARATOR = '\n\n';

/**
 * Mapping, field by field (anything not listed, e.g. cache_control, container, mcp_servers,
 * service_tier, is Anthropic-only and not forwarded):
 * - system (string or text blocks) -> one leading system message; in-array system turns stay
 *   where they are; adjacent system messages are merged (many local chat templates accept one).
 * - user text/image/document/search_result -> content (a string when it is only text); images
 *   as image_url (base64 -> data: URL), PDFs as `file` parts.
 * - user tool_result -> role:"tool" messages placed before the rest of the turn, as OpenAI
 *   requires; content flattened to text, is_error prefixed "Error: ", images moved into the
 *   user message that follows; a repeated tool_use_id keeps its first result (litellm #16711).
 * - assistant text -> content; tool_use -> tool_calls (ids exact, arguments = JSON of input);
 *   a repeated tool_use id keeps its first call; thinking/redacted_thinking are dropped.
 * - tools -> functions; tool_choice any -> "required", tool -> {function:{name}}, none/auto as is;
 *   disable_parallel_tool_use -> parallel_tool_calls:false.
 * - thinking/output_config.effort -> reasoning_effort (see mapAnthropicReasoningEffort);
 *   output_config.format -> response_format json_schema.
 * - stop_sequences -> stop, max_tokens, temperature, top_p as is; top_k dropped (not an OpenAI
 *   parameter: OpenAI rejects it); metadata.user_id -> user; stream -> stream, plus
 *   stream_options.include_usage so the usage an Anthropic stream must end with arrives.
 */
export function convertAnthropicToOpenAIRequest(
  request: AnthropicMessagesRequest,
  options: ConvertAnthropicRequestOptions = {},
): Record<string, unknown> {
  if (request.max_tokens === 0) {
    throw untranslatable('max_tokens', 'must be at least 1: max_tokens 0 (prompt-cache pre-warming) works only with models served by Anthropic');
  }
  const messages: OpenAIMessage[] = [];
  const system = joinText(systemTexts(request.system));
  if (system !== '') messages.push({ role: 'system', content: system });

  const seen = { toolUses: new Set<string>(), toolResults: new Set<string>() };
  request.messages.forEach((message, i) => {
    const path = `messages.${i}`;
    if (message.role === 'system') {
      const text = joinText(systemTexts(message.content));
      if (text !== '') messages.push({ role: 'system', content: text });
    } else if (message.role === 'user') {
      messages.push(...convertUserTurn(message.content, path, seen.toolResults));
    } else {
      const assistant = convertAssistantTurn(message.content, path, seen.toolUses);
      if (assistant !== undefined) messages.push(assistant);
    }
  });
  const merged = mergeAdjacentSystemMessages(messages);
  // An empty messages array is the upstream's 400 "must have at least one message" (litellm
  // #26131); say which request caused it instead.
  if (merged.length === 0) throw untranslatable('messages', 'nothing is left to send once thinking blocks are removed');

  const body: Record<string, unknown> = { model: request.model, messages: merged, max_tokens: request.max_tokens };
  if (request.stop_sequences !== undefined && request.stop_sequences !== null && request.stop_sequences.length > 0) {
    body.stop = request.stop_sequences;
  }
  if (request.temperature !== undefined && request.temperature !== null) body.temperature = request.temperature;
  if (request.top_p !== undefined && request.top_p !== null) body.top_p = request.top_p;
  const user = request.metadata?.user_id;
  if (typeof user === 'string' && user !== '') body.user = user;
  Object.assign(body, convertTools(request, options.serverTools ?? 'reject'));
  const effort = mapAnthropicReasoningEffort(request.thinking, request.output_config);
  if (effort !== undefined) body.reasoning_effort = effort;
  const format = request.output_config?.format;
  if (format !== undefined && format !== null) {
    body.response_format = { type: 'json_schema', json_schema: { name: 'response', schema: format.schema } };
  }
  if (request.stream !== undefined && request.stream !== null) body.stream = request.stream;
  if (request.stream === true) body.stream_options = { include_usage: true };
  return body;
}

function systemTexts(system: AnthropicMessagesRequest['system']): string[] {
  if (system === undefined || system === null) return [];
  return typeof system === 'string' ? [system] : system.map((block) => block.text);
}

function joinText(texts: string[]): string {
  return texts.filter((text) => text !== '').join(BLOCK_SEPARATOR);
}

function convertUserTurn(content: string | AnthropicContentBlock[], path: string, seenResults: Set<string>): OpenAIMessage[] {
  if (typeof content === 'string') return [{ role: 'user', content }];
  const toolMessages: OpenAIMessage[] = [];
  const toolParts: OpenAIContentPart[] = [];
  const parts: OpenAIContentPart[] = [];
  content.forEach((block, j) => {
    const blockPath = `${path}.content.${j}`;
    if (isAnthropicBlock(block, 'tool_result')) {
      // Claude Code can resend a result it already sent; OpenAI and Anthropic upstreams both
      // refuse two results for one call (litellm #16711), so the first one stands.
      if (seenResults.has(block.tool_use_id)) return;
      seenResults.add(block.tool_use_id);
      const result = flattenToolResult(block, blockPath);
      toolMessages.push({ role: 'tool', tool_call_id: block.tool_use_id, content: result.text });
      if (result.parts.length > 0) {
        toolParts.push({ type: 'text', text: `Attachments returned by tool call ${block.tool_use_id}:` }, ...result.parts);
      }
    } else if (isAnthropicBlock(block, 'thinking') || isAnthropicBlock(block, 'redacted_thinking')) {
      // Only meaningful to the Anthropic model that signed it.
    } else if (isAnthropicBlock(block, 'tool_use')) {
      throw untranslatable(blockPath, 'tool_use blocks belong in assistant messages');
    } else {
      parts.push(...convertMediaBlock(block, blockPath));
    }
  });
  const userParts = [...toolParts, ...parts];
  if (userParts.length === 0) return toolMessages.length > 0 ? toolMessages : [{ role: 'user', content: '' }];
  return [...toolMessages, { role: 'user', content: compactParts(userParts) }];
}

/** Text, images, documents and search results: what a user turn or a tool result can hold. */
function convertMediaBlock(block: AnthropicContentBlock, path: string): OpenAIContentPart[] {
  if (isAnthropicBlock(block, 'text')) return [{ type: 'text', text: block.text }];
  if (isAnthropicBlock(block, 'image')) return [imagePart(block, path)];
  if (isAnthropicBlock(block, 'document')) return documentParts(block, path);
  if (isAnthropicBlock(block, 'search_result')) return [{ type: 'text', text: searchResultText(block) }];
  throw untranslatable(`${path}.type`, `content blocks of type "${block.type}" cannot be sent to a model served by a non-Anthropic upstream`);
}

function imagePart(block: AnthropicImageBlock, path: string): OpenAIContentPart {
  const source = block.source;
  if (source.type === 'base64') return { type: 'image_url', image_url: { url: `data:${source.media_type};base64,${source.data}` } };
  if (source.type === 'url') return { type: 'image_url', image_url: { url: source.url } };
  throw untranslatable(`${path}.source`, 'file_id sources refer to Anthropic\'s Files API; send the image as base64 or a URL');
}

function documentParts(block: AnthropicDocumentBlock, path: string): OpenAIContentPart[] {
  const source = block.source;
  const heading = [block.title, block.context].filter((text): text is string => typeof text === 'string' && text !== '');
  switch (source.type) {
    case 'base64':
      return [{ type: 'file', file: { filename: pdfFilename(block.title), file_data: `data:application/pdf;base64,${source.data}` } }];
    case 'text':
      return [{ type: 'text', text: joinText([...heading, source.data]) }];
    case 'content': {
      const inner = typeof source.content === 'string' ? [{ type: 'text' as const, text: source.content }] : source.content;
      const innerParts = inner.map((innerBlock, k) => convertMediaBlock(innerBlock, `${path}.source.content.${k}`)).flat();
      return heading.length > 0 ? [{ type: 'text', text: joinText(heading) }, ...innerParts] : innerParts;
    }
    case 'url':
      // The gateway never fetches URLs on a client's behalf (SSRF), and OpenAI-format upstreams
      // take no document URLs.
      throw untranslatable(`${path}.source`, 'URL document sources cannot be sent to a model served by a non-Anthropic upstream; send the document as base64 or text');
    case 'file':
      throw untranslatable(`${path}.source`, 'file_id sources refer to Anthropic\'s Files API; send the document as base64 or text');
  }
}

function pdfFilename(title: string | null | undefined): string {
  if (typeof title !== 'string' || title === '') return 'document.pdf';
  return title.toLowerCase().endsWith('.pdf') ? title : `${title}.pdf`;
}

function searchResultText(block: AnthropicSearchResultBlock): string {
  return joinText([`${block.title} (${block.source})`, ...block.content.map((text: AnthropicTextBlock) => text.text)]);
}

/** A tool message carries text only: images and PDFs move to the user message after it. */
function flattenToolResult(block: AnthropicToolResultBlock, path: string): { text: string; parts: OpenAIContentPart[] } {
  const texts: string[] = [];
  const parts: OpenAIContentPart[] = [];
  const content = block.content;
  if (typeof content === 'string') texts.push(content);
  else if (Array.isArray(content)) {
    content.forEach((inner, k) => {
      const innerPath = `${path}.content.${k}`;
      if (isAnthropicBlock(inner, 'text')) texts.push(inner.text);
      else if (isAnthropicBlock(inner, 'image') || isAnthropicBlock(inner, 'document') || isAnthropicBlock(inner, 'search_result')) {
        for (const part of convertMediaBlock(inner, innerPath)) {
          if (part.type === 'text') texts.push(part.text);
          else parts.push(part);
        }
      } else {
        // A block type newer than this gateway (tool_reference, ...): its JSON is still
        // information for the model, and dropping it would change what the tool said.
        texts.push(JSON.stringify(inner));
      }
    });
  }
  const text = joinText(texts);
  if (block.is_error === true) return { text: text === '' ? 'Error' : `Error: ${text}`, parts };
  return { text, parts };
}

/** A string when the turn is only text: the form every OpenAI-compatible server accepts. */
function compactParts(parts: OpenAIContentPart[]): string | OpenAIContentPart[] {
  if (parts.every((part) => part.type === 'text')) return joinText(parts.map((part) => (part.type === 'text' ? part.text : '')));
  return parts;
}

function convertAssistantTurn(content: string | AnthropicContentBlock[], path: string, seenToolUses: Set<string>): OpenAIMessage | undefined {
  if (typeof content === 'string') return { role: 'assistant', content };
  const texts: string[] = [];
  const toolCalls: OpenAIToolCall[] = [];
  content.forEach((block, j) => {
    const blockPath = `${path}.content.${j}`;
    if (isAnthropicBlock(block, 'text')) texts.push(block.text);
    else if (isAnthropicBlock(block, 'tool_use')) {
      if (seenToolUses.has(block.id)) return;
      seenToolUses.add(block.id);
      toolCalls.push({ id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(block.input) } });
    } else if (isAnthropicBlock(block, 'thinking') || isAnthropicBlock(block, 'redacted_thinking')) {
      // Signed for the Anthropic model that produced it; other models neither need nor accept it.
    } else {
      throw untranslatable(`${blockPath}.type`, `content blocks of type "${block.type}" cannot be sent to a model served by a non-Anthropic upstream`);
    }
  });
  const text = joinText(texts);
  if (toolCalls.length > 0) return { role: 'assistant', content: text === '' ? null : text, tool_calls: toolCalls };
  // A turn that held only thinking says nothing an OpenAI-format model can use.
  if (texts.length === 0) return undefined;
  return { role: 'assistant', content: text };
}

function mergeAdjacentSystemMessages(messages: OpenAIMessage[]): OpenAIMessage[] {
  const merged: OpenAIMessage[] = [];
  for (const message of messages) {
    const previous = merged[merged.length - 1];
    if (message.role === 'system' && previous?.role === 'system') {
      merged[merged.length - 1] = { role: 'system', content: joinText([previous.content, message.content]) };
    } else {
      merged.push(message);
    }
  }
  return merged;
}

function convertTools(request: AnthropicMessagesRequest, serverTools: 'reject' | 'drop'): Record<string, unknown> {
  const tools: AnthropicCustomTool[] = [];
  (request.tools ?? []).forEach((tool, i) => {
    if (isAnthropicCustomTool(tool)) tools.push(tool);
    else if (serverTools === 'reject') {
      throw untranslatable(
        `tools.${i}`,
        `tool type "${tool.type}" is run or defined by Anthropic and cannot be used with a model served by a non-Anthropic upstream; remove the tool, or route this model to an Anthropic deployment`,
      );
    }
  });
  // OpenAI refuses tool_choice and parallel_tool_calls without tools.
  if (tools.length === 0) return {};
  const out: Record<string, unknown> = {
    tools: tools.map((tool) => ({
      type: 'function',
      function: {
        name: tool.name,
        ...(typeof tool.description === 'string' ? { description: tool.description } : {}),
        parameters: normalizeParameters(tool.input_schema),
      },
    })),
  };
  const choice = request.tool_choice;
  if (choice === undefined || choice === null) return out;
  switch (choice.type) {
    case 'auto':
      out.tool_choice = 'auto';
      break;
    case 'any':
      out.tool_choice = 'required';
      break;
    case 'none':
      out.tool_choice = 'none';
      break;
    case 'tool':
      if (!tools.some((tool) => tool.name === choice.name)) {
        throw untranslatable('tool_choice.name', `no tool named "${choice.name}" is defined in tools`);
      }
      out.tool_choice = { type: 'function', function: { name: choice.name } };
      break;
  }
  if (choice.type !== 'none' && choice.disable_parallel_tool_use === true) out.parallel_tool_calls = false;
  return out;
}

/**
 * MCP servers hand Claude Code schemas like `{}`; OpenAI-compatible servers (llama.cpp, vLLM's
 * guided decoding) want an object schema with properties. Adds only what is missing.
 */
function normalizeParameters(schema: Record<string, unknown>): Record<string, unknown> {
  const out = { ...schema };
  if (out.type === undefined) out.type = 'object';
  if (out.type === 'object' && out.properties === undefined) out.properties = {};
  return out;
}

function untranslatable(param: string, message: string): GatewayError {
  return new GatewayError('invalid_request', `${param}: ${message}`, { param });
}
