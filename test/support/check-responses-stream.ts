// The Responses API stream contract as Codex's parser (codex-rs/codex-api/src/sse/responses.rs)
// and the openai SDK enforce it, checked on one whole stream: every event has `type` and a
// strictly increasing `sequence_number`; lifecycle events nest a `response` with a resp_ id;
// created then in_progress first; items added before their deltas and done exactly once, with
// the same type and the full item (a call's name repeated); exactly one terminal event, last;
// a finished response carries usage with both detail objects and the done items as its output.
import { parseSseEvents } from './sse-frames.js';

type Json = Record<string, any>;

const TERMINAL = new Set(['response.completed', 'response.incomplete', 'response.failed']);
const LIFECYCLE = new Set(['response.created', 'response.in_progress', ...TERMINAL]);

/** Parses SSE text into event objects, checking that each frame's `event:` name matches its `type`. */
export function readResponsesStream(text: string): { events: Json[]; problems: string[] } {
  const problems: string[] = [];
  const events = parseSseEvents(text).map((frame, i) => {
    const data = JSON.parse(frame.data) as Json;
    if (frame.event !== undefined && frame.event !== data.type) problems.push(`event ${i}: frame name ${frame.event} but type ${data.type}`);
    return data;
  });
  return { events, problems };
}

/** Every way `events` breaks the contract; empty when it keeps it. */
export function checkResponsesStream(events: readonly Json[]): string[] {
  const problems: string[] = [];
  const problem = (i: number, text: string) => problems.push(`event ${i} (${events[i]?.type}): ${text}`);
  let lastSequence = -1;
  const open = new Map<number, Json>();
  const done = new Map<number, Json>();
  let terminals = 0;
  let responseId: string | undefined;
  events.forEach((event, i) => {
    if (typeof event.type !== 'string') problem(i, 'no type');
    if (!Number.isInteger(event.sequence_number) || event.sequence_number <= lastSequence) problem(i, `sequence_number ${event.sequence_number} after ${lastSequence}`);
    else lastSequence = event.sequence_number;
    if (i === 0 && event.type !== 'response.created') problem(i, 'the first event is not response.created');
    if (i === 1 && event.type !== 'response.in_progress') problem(i, 'the second event is not response.in_progress');
    if (LIFECYCLE.has(event.type)) {
      const response = event.response;
      if (typeof response !== 'object' || response === null) return problem(i, 'no nested response');
      if (typeof response.id !== 'string' || !/^resp_[A-Za-z0-9]+$/.test(response.id)) problem(i, `response id ${response.id}`);
      if (responseId !== undefined && response.id !== responseId) problem(i, 'the response id changed');
      responseId = response.id;
      if (response.object !== 'response') problem(i, 'response.object is not "response"');
      for (const field of ['created_at', 'model', 'status', 'output']) if (response[field] === undefined) problem(i, `response.${field} missing`);
    }
    if (TERMINAL.has(event.type)) {
      terminals++;
      if (i !== events.length - 1) problem(i, 'a terminal event is not the last one');
      const response = event.response ?? {};
      const expected = event.type.slice('response.'.length);
      if (response.status !== expected) problem(i, `status ${response.status}`);
      if (event.type === 'response.failed') {
        if (typeof response.error?.code !== 'string' || typeof response.error?.message !== 'string') problem(i, 'a failed response without error.code and error.message');
      } else {
        const usage = response.usage;
        if (!Number.isInteger(usage?.input_tokens) || !Number.isInteger(usage?.output_tokens) || !Number.isInteger(usage?.total_tokens)) problem(i, 'usage counts missing');
        if (!Number.isInteger(usage?.input_tokens_details?.cached_tokens)) problem(i, 'usage.input_tokens_details.cached_tokens missing');
        if (!Number.isInteger(usage?.output_tokens_details?.reasoning_tokens)) problem(i, 'usage.output_tokens_details.reasoning_tokens missing');
        const finished = [...done.entries()].sort(([a], [b]) => a - b).map(([, item]) => item);
        if (JSON.stringify(response.output) !== JSON.stringify(finished)) problem(i, 'response.output is not the done items in order');
        if (open.size > 0) problem(i, `items ${[...open.keys()].join(', ')} never done`);
      }
      if (event.type === 'response.incomplete' && typeof response.incomplete_details?.reason !== 'string') problem(i, 'incomplete without incomplete_details.reason');
    }
    if (event.type === 'response.output_item.added') {
      if (open.has(event.output_index) || done.has(event.output_index)) problem(i, `output_index ${event.output_index} added twice`);
      if (typeof event.item?.id !== 'string' || typeof event.item?.type !== 'string') problem(i, 'item without id and type');
      open.set(event.output_index, event.item);
    } else if (event.type === 'response.output_item.done') {
      const added = open.get(event.output_index);
      if (added === undefined) return problem(i, `output_index ${event.output_index} done but not open`);
      open.delete(event.output_index);
      done.set(event.output_index, event.item);
      if (added.type !== event.item?.type || added.id !== event.item?.id) problem(i, 'done item differs in type or id from the added one');
      if ((event.item.type === 'function_call' || event.item.type === 'custom_tool_call') && (typeof event.item.name !== 'string' || event.item.name === '')) problem(i, 'call without its name in done');
      if (event.item.type === 'function_call' && typeof event.item.arguments !== 'string') problem(i, 'function_call without arguments');
      if (event.item.type === 'custom_tool_call' && typeof event.item.input !== 'string') problem(i, 'custom_tool_call without input');
    } else if (typeof event.output_index === 'number' && event.type.startsWith('response.') && !LIFECYCLE.has(event.type)) {
      const item = open.get(event.output_index);
      if (item === undefined) problem(i, `output_index ${event.output_index} is not open`);
      else if (event.item_id !== item.id) problem(i, `item_id ${event.item_id} is not the open item ${item.id}`);
      if (event.type === 'response.output_text.delta' || event.type === 'response.output_text.done') {
        if (!Array.isArray(event.logprobs)) problem(i, 'output_text event without logprobs');
      }
      if (event.type === 'response.function_call_arguments.done' && typeof event.name !== 'string') problem(i, 'arguments.done without name');
    }
  });
  if (terminals !== 1) problems.push(`${terminals} terminal events`);
  return problems;
}
