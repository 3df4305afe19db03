// One upstream SSE event as a pass-through relay writes it to the client: the event's name (if it
// had one) and its data unchanged, each data line a `data:` line of its own.

export function relayedEventText(name: string | undefined, data: string): string {
  // Nearly every event's data is one line: written without splitting and joining a copy of it (a
  // Responses lifecycle event echoing Codex's prompt and tools is tens of KB).
  const lines = data.indexOf('\n') === -1 ? `data: ${data}` : data.split('\n').map((line) => `data: ${line}`).join('\n');
  return name === undefined ? `${lines}\n\n` : `event: ${name}\n${lines}\n\n`;
}
