// fastify gives every request a child logger bound to its id. pino builds a child eagerly (its
// bindings serialised through the redaction paths: about 1.5 % of the gateway's CPU under load),
// yet nearly every request logs nothing through it: the request's line is the usage ledger's,
// written by the meter. So the child is made on the first call that reaches an enabled level,
// and a request that never logs never pays for it.
import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions } from 'pino';

type LevelMethod = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

export class LazyRequestLogger implements FastifyBaseLogger {
  #child: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  get level(): string {
    return this.#child?.level ?? this.options.level ?? this.parent.level;
  }

  set level(level: string) {
    this.real().level = level;
  }

  fatal(...args: unknown[]): void { this.call('fatal', args); }
  error(...args: unknown[]): void { this.call('error', args); }
  warn(...args: unknown[]): void { this.call('warn', args); }
  info(...args: unknown[]): void { this.call('info', args); }
  debug(...args: unknown[]): void { this.call('debug', args); }
  trace(...args: unknown[]): void { this.call('trace', args); }
  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.real().child(bindings, options);
  }

  private call(method: LevelMethod, args: unknown[]): void {
    // A level the parent drops costs a lookup, not a child: the same test pino's own methods make.
    if (this.#child === undefined && this.options.level === undefined && !isEnabled(this.parent, method)) return;
    (this.real()[method] as (...a: unknown[]) => void)(...args);
  }

  private real(): FastifyBaseLogger {
    this.#child ??= this.parent.child(this.bindings, this.options);
    return this.#child;
  }
}

function isEnabled(logger: FastifyBaseLogger, method: LevelMethod): boolean {
  const check = (logger as { isLevelEnabled?: (level: string) => boolean }).isLevelEnabled;
  return check === undefined ? true : check.call(logger, method);
}

/** fastify's `childLoggerFactory`: the request's logger, made when first used. */
export function lazyRequestLogger(parent: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  return new LazyRequestLogger(parent, bindings, options);
}
