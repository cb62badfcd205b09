import { logger } from '@/lib/log';

/**
 * One line per refused request (never a stack trace), and no more than LIMIT lines a minute: a
 * flood of malformed requests must not flood the log. What was held back is counted in the next line.
 */
const LIMIT = 30;
const WINDOW_MS = 60_000;

let windowStart = 0;
let written = 0;
let suppressed = 0;

export function logRefusal(what: string, fields: Record<string, string | number | undefined> = {}, now = Date.now()): boolean {
  if (now - windowStart >= WINDOW_MS) {
    windowStart = now;
    written = 0;
  }
  if (written >= LIMIT) {
    suppressed++;
    return false;
  }
  written++;
  const line: Record<string, unknown> = { ...fields };
  if (suppressed > 0) {
    line.suppressedBefore = suppressed;
    suppressed = 0;
  }
  logger('http').warn(line, `refused: ${what}`);
  return true;
}
