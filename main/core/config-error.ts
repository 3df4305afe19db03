// ConfigError: a bad config file, reported as one line naming the file, the line and what is
// wrong. The CLI prints it and exits with code 2; it never carries a secret value.
export class ConfigError extends Error {
  readonly file: string;
  readonly line: number | undefined;

  constructor(file: string, line: number | undefined, message: string) {
    super(`${file}${line === undefined ? '' : `:${line}`}: ${message}`);
    this.name = 'ConfigError';
    this.file = file;
    this.line = line;
  }
}
