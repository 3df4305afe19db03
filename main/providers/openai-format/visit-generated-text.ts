// Walks the generated text of one OpenAI-format chunk (legacy text, reasoning, content, tool
// names and arguments) in order, once. Both counting relayed output and capturing it for body
// logging read the same fields; one walk keeps them from disagreeing.
export function visitGeneratedText(chunk: Record<string, unknown>, visit: (text: string) => void): void {
  const choices = chunk.choices;
  if (!Array.isArray(choices)) return;
  for (const choice of choices as Record<string, unknown>[]) {
    if (typeof choice.text === 'string') visit(choice.text);
    const delta = choice.delta as Record<string, unknown> | undefined;
    if (!delta) continue;
    if (typeof delta.reasoning_content === 'string') visit(delta.reasoning_content);
    if (typeof delta.content === 'string') visit(delta.content);
    if (Array.isArray(delta.tool_calls)) {
      for (const call of delta.tool_calls as Record<string, unknown>[]) {
        const fn = call.function as Record<string, unknown> | undefined;
        if (fn && typeof fn.name === 'string') visit(fn.name);
        if (fn && typeof fn.arguments === 'string') visit(fn.arguments);
      }
    }
  }
}
