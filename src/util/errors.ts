// Errors are values with a place and a hint, made in one place per layer and printed in one place
// (the CLI's main, the server's error handler).

export interface SourcePosition {
  /** File, query or request the problem is in, e.g. `config.json` or `query`. */
  source?: string;
  /** 1-based line and column. */
  line?: number;
  column?: number;
}

export class M365HuntError extends Error {
  constructor(
    message: string,
    readonly options: {
      hint?: string;
      position?: SourcePosition;
      exitCode?: number;
      cause?: unknown;
    } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'M365HuntError';
  }

  get hint(): string | undefined {
    return this.options.hint;
  }

  get position(): SourcePosition | undefined {
    return this.options.position;
  }

  get exitCode(): number {
    return this.options.exitCode ?? 2;
  }
}

/** Renders an error for a terminal: the message, where it is, and what to do about it. */
export function describeError(error: unknown): string {
  if (error instanceof M365HuntError) {
    const p = error.position;
    const where =
      p && (p.source || p.line)
        ? `${p.source ?? ''}${p.line ? `:${p.line}${p.column ? `:${p.column}` : ''}` : ''}: `
        : '';
    return `${where}${error.message}${error.hint ? `\n  hint: ${error.hint}` : ''}`;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
