// A pino destination that prints each JSON line through formatLogLine: the serve command's log
// on a terminal. It receives lines after the logger's redaction and secret mask (the streamWrite
// hook runs first), so pretty printing can never show what the JSON would have hidden.
import type { DestinationStream } from 'pino';
import { formatLogLine } from './format-log-line.js';

export function createPrettyLogDestination(sink: DestinationStream): DestinationStream {
  return {
    write(chunk: string) {
      const lines = chunk.split('\n').filter((line) => line !== '');
      if (lines.length > 0) sink.write(`${lines.map(formatLogLine).join('\n')}\n`);
    },
  };
}
