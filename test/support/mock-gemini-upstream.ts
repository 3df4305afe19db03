// A scripted loopback upstream speaking the Gemini API: POST /v1beta/models/{model}:generateContent
// (one GenerateContentResponse) and :streamGenerateContent?alt=sse (one response per SSE event);
// errors in Google's envelope. Accepts the key in x-goog-api-key (recording any `key=` query, which
// the gateway must never use), records every request, and replays raw SSE fixtures cut at bytes.
//
// Wire format checked against (search corpus, this session):
// - ai.google.dev/api (generateContent, streamGenerateContent "uses SSE to push chunks"): a
//   response is {candidates:[{content:{parts,role:"model"},finishReason?,index}],usageMetadata,
//   modelVersion,responseId}; usageMetadata {promptTokenCount, candidatesTokenCount,
//   totalTokenCount, cachedContentTokenCount?, thoughtsTokenCount?, promptTokensDetails}; the
//   finishReason arrives on the last chunk; parts are {text}, {text, thought:true},
//   {functionCall:{name,args}} (calls arrive whole, never split across chunks), with an optional
//   thoughtSignature.
// - SSE framing: Google's servers end each event with CRLF CRLF: googleapis/nodejs-vertexai
//   `responseLineRE = /^data\: (.*)\r\n/`, @google/genai `responseLineRE` accepting
//   `\r\n\r\n`; nyroway/nyro PR #265 "Vertex AI emits SSE frames with CRLF terminators".
//   generateContent bodies are pretty-printed JSON (two-space indent).
// - Errors: {"error":{"code","message","status"}}: 400 INVALID_ARGUMENT "API key not valid...",
//   403 PERMISSION_DENIED without a key, 429 RESOURCE_EXHAUSTED, 503 UNAVAILABLE.
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { sendPieces, sendWhole, startScriptedServer, type MockRequest, type ScriptedServer } from './scripted-loopback-server.js';

export type { MockRequest } from './scripted-loopback-server.js';
export { cutsInsideMultibyteCharacters } from './scripted-loopback-server.js';

export type GeminiMockPart =
  /** `chunks` splits the text across stream events (must join to `text`). */
  | { text: string; thought?: boolean; chunks?: string[]; thoughtSignature?: string }
  | { functionCall: { name: string; args: Record<string, unknown> }; thoughtSignature?: string };

export interface GeminiMockUsage {
  prompt?: number;
  candidates?: number;
  thoughts?: number;
  cached?: number;
}

export type GeminiMockBehaviour =
  | { kind: 'response'; parts?: GeminiMockPart[]; finishReason?: string; usage?: GeminiMockUsage; modelVersion?: string }
  | { kind: 'error'; httpStatus: number; status: string; message: string; retryAfter?: number }
  /** Raw SSE text (e.g. a fixture) written as sent, cut into separate writes at byte offsets. */
  | { kind: 'sse'; text: string; cuts?: number[]; end?: 'end' | 'close' };

export type MockGeminiUpstream = ScriptedServer<GeminiMockBehaviour> & { apiKey: string };

export const GEMINI_MOCK_KEY = 'AIzaSyMock-gemini-upstream-key-0123456';
export const DEFAULT_GEMINI_TEXT = 'Hello from Gemini';
export const GEMINI_RESPONSE_ID = 'dX6LadKVC7SZ28oPr9yJoQs';
const PATH = /^\/v1beta\/models\/([A-Za-z0-9._-]+):(generateContent|streamGenerateContent)$/;

/** A fixture from test/fixtures/gemini, byte for byte. */
export function geminiFixture(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../fixtures/gemini/${name}`, import.meta.url)), 'utf8');
}

/** One SSE event as Google's servers frame it. */
export function geminiSseEvent(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\r\n\r\n`;
}

export async function createMockGeminiUpstream(options: { apiKey?: string } = {}): Promise<MockGeminiUpstream> {
  const apiKey = options.apiKey ?? GEMINI_MOCK_KEY;
  const server = await startScriptedServer<GeminiMockBehaviour>({ kind: 'response' }, (behaviour, request, res) =>
    answer(behaviour, request, res, apiKey),
  );
  return Object.assign(server, { apiKey });
}

async function answer(b: GeminiMockBehaviour, request: MockRequest, res: ServerResponse, apiKey: string): Promise<void> {
  const url = new URL(request.path, 'http://mock');
  const match = PATH.exec(url.pathname);
  if (request.method !== 'POST' || !match) {
    return errorResponse(res, 404, 'NOT_FOUND', `The requested URL ${url.pathname} was not found on this server.`);
  }
  const key = request.headers['x-goog-api-key'] ?? url.searchParams.get('key') ?? undefined;
  if (key === undefined) {
    return errorResponse(res, 403, 'PERMISSION_DENIED', "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.");
  }
  if (key !== apiKey) return errorResponse(res, 400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.');
  const model = match[1] as string;
  const streaming = match[2] === 'streamGenerateContent';
  switch (b.kind) {
    case 'error':
      return errorResponse(res, b.httpStatus, b.status, b.message, b.retryAfter);
    case 'sse':
      return sendPieces(res, 200, sseHeaders(), Buffer.from(b.text, 'utf8'), b.cuts, b.end);
    case 'response': {
      const chunks = responseChunks(b, model);
      if (!streaming) {
        return sendWhole(res, 200, jsonHeaders(), JSON.stringify(mergeChunks(chunks), null, 2));
      }
      if (url.searchParams.get('alt') !== 'sse') {
        // Without alt=sse the API streams one JSON array of responses.
        return sendWhole(res, 200, jsonHeaders(), JSON.stringify(chunks, null, 2));
      }
      const events = chunks.map(geminiSseEvent);
      const cuts: number[] = [];
      let at = 0;
      for (const e of events) cuts.push((at += Buffer.byteLength(e)));
      return sendPieces(res, 200, sseHeaders(), Buffer.from(events.join(''), 'utf8'), cuts);
    }
  }
}

type Json = Record<string, unknown>;

/** The stream's responses: one per text chunk, the function calls of a turn together in one. */
function responseChunks(b: Extract<GeminiMockBehaviour, { kind: 'response' }>, model: string): Json[] {
  const parts = b.parts ?? [{ text: DEFAULT_GEMINI_TEXT, chunks: ['Hello', ' from', ' Gemini'] }];
  const pieces: Json[][] = [];
  for (const part of parts) {
    if ('functionCall' in part) {
      const last = pieces[pieces.length - 1];
      const wire: Json = { functionCall: part.functionCall };
      if (part.thoughtSignature !== undefined) wire.thoughtSignature = part.thoughtSignature;
      if (last !== undefined && last.every((p) => 'functionCall' in p)) last.push(wire);
      else pieces.push([wire]);
      continue;
    }
    const chunks = part.chunks ?? [part.text];
    if (chunks.join('') !== part.text) throw new Error('mock-gemini: chunks do not join to the text');
    chunks.forEach((text, i) => {
      const wire: Json = { text };
      if (part.thought) wire.thought = true;
      if (part.thoughtSignature !== undefined && i === chunks.length - 1) wire.thoughtSignature = part.thoughtSignature;
      pieces.push([wire]);
    });
  }
  if (pieces.length === 0) pieces.push([{ text: '' }]);
  const prompt = b.usage?.prompt ?? 9;
  const candidates = b.usage?.candidates ?? pieces.length + 2;
  const thoughts = b.usage?.thoughts;
  const cached = b.usage?.cached;
  return pieces.map((piece, i) => {
    const last = i === pieces.length - 1;
    const usageMetadata: Json = {
      promptTokenCount: prompt,
      candidatesTokenCount: last ? candidates : Math.min(i + 1, candidates),
      totalTokenCount: prompt + (last ? candidates : Math.min(i + 1, candidates)) + (thoughts ?? 0),
    };
    if (cached !== undefined) usageMetadata.cachedContentTokenCount = cached;
    usageMetadata.promptTokensDetails = [{ modality: 'TEXT', tokenCount: prompt }];
    if (thoughts !== undefined) usageMetadata.thoughtsTokenCount = thoughts;
    const candidate: Json = { content: { parts: piece, role: 'model' } };
    if (last) candidate.finishReason = b.finishReason ?? 'STOP';
    candidate.index = 0;
    return { candidates: [candidate], usageMetadata, modelVersion: b.modelVersion ?? model, responseId: GEMINI_RESPONSE_ID };
  });
}

/** The non-stream answer: the same parts in one candidate (adjacent text chunks joined). */
function mergeChunks(chunks: Json[]): Json {
  const parts: Json[] = [];
  for (const chunk of chunks) {
    const candidate = (chunk.candidates as Json[])[0] as Json;
    for (const part of (candidate.content as Json).parts as Json[]) {
      const prev = parts[parts.length - 1];
      if (prev && typeof prev.text === 'string' && typeof part.text === 'string' && prev.thought === part.thought && prev.thoughtSignature === undefined) {
        parts[parts.length - 1] = { ...prev, ...part, text: prev.text + part.text };
      } else parts.push({ ...part });
    }
  }
  const last = chunks[chunks.length - 1] as Json;
  const lastCandidate = (last.candidates as Json[])[0] as Json;
  return {
    candidates: [{ content: { parts, role: 'model' }, finishReason: lastCandidate.finishReason, index: 0 }],
    usageMetadata: last.usageMetadata,
    modelVersion: last.modelVersion,
    responseId: last.responseId,
  };
}

function sseHeaders(): Record<string, string> {
  return { 'content-type': 'text/event-stream', 'x-content-type-options': 'nosniff' };
}

function jsonHeaders(): Record<string, string> {
  return { 'content-type': 'application/json; charset=UTF-8', 'x-content-type-options': 'nosniff' };
}

function errorResponse(res: ServerResponse, httpStatus: number, status: string, message: string, retryAfter?: number): void {
  const headers = jsonHeaders();
  if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
  sendWhole(res, httpStatus, headers, JSON.stringify({ error: { code: httpStatus, message, status } }, null, 2));
}
