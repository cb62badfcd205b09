import { expect } from 'vitest';

/**
 * Polls `read` through vitest's expect.poll until `done` accepts its value, and returns that value.
 * A `read` that throws is read again; on timeout the test fails naming `what` and the last value.
 */
export async function eventually<T>(
  what: string,
  read: () => T | Promise<T>,
  done: (value: T) => boolean,
  opts: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  let last: T | undefined;
  await expect
    .poll(
      async () => {
        last = await read();
        return done(last) ? 'done' : `not yet: ${JSON.stringify(last)?.slice(0, 800)}`;
      },
      { timeout: opts.timeoutMs ?? 10_000, interval: opts.intervalMs ?? 100, message: `waiting for ${what}` },
    )
    .toBe('done');
  return last as T;
}

/** Polls until `read` returns a value that is not undefined or false, and returns it. */
export async function present<T>(
  what: string,
  read: () => T | undefined | false | Promise<T | undefined | false>,
  opts: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  return (await eventually(what, read, (v) => v !== undefined && v !== false && v !== null, opts)) as T;
}
