// The engine logs through this interface; the studio decides where lines go
// (console, file, the operator's log). Secrets never reach it: see redact.ts.
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** A logger whose lines start with `[scope]`. */
  child(scope: string): Logger;
}

export function createConsoleLogger(scope = 'cuecast', quiet = false): Logger {
  const prefix = `[${scope}]`;
  return {
    info: (m) => {
      if (!quiet) console.log(prefix, m);
    },
    warn: (m) => console.warn(prefix, m),
    error: (m) => console.error(prefix, m),
    child: (s) => createConsoleLogger(`${scope}:${s}`, quiet),
  };
}

/** For tests: keeps every line. */
export function createMemoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const make = (scope: string): Logger => ({
    info: (m) => void lines.push(`info ${scope} ${m}`),
    warn: (m) => void lines.push(`warn ${scope} ${m}`),
    error: (m) => void lines.push(`error ${scope} ${m}`),
    child: (s) => make(`${scope}:${s}`),
  });
  return Object.assign(make('test'), { lines });
}
