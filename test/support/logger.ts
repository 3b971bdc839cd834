import type { SessionLogger } from '../../src';

export interface LoggedLine {
  level: 'warn' | 'error';
  fields: Record<string, unknown>;
  message: string;
}

/** A pino-style logger that keeps what sessionguard logs, for tests that assert it (or just keep it quiet). */
export function collectingLogger(): SessionLogger & { lines: LoggedLine[] } {
  const lines: LoggedLine[] = [];
  return {
    lines,
    warn: (fields, message) => void lines.push({ level: 'warn', fields, message }),
    error: (fields, message) => void lines.push({ level: 'error', fields, message }),
  };
}
