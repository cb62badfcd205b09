import { expect, vi } from 'vitest';

type PollOptions = { timeoutMs?: number; intervalMs?: number };

/**
 * Polls `read` until `done` accepts its value, and returns that value: through vitest's expect.poll
 * inside a test, and through vi.waitFor in a hook (expect.poll only runs inside a test). A `read`
 * that throws is read again; on timeout the test fails naming `what` and the last value.
 */
export async function eventually<T>(
  what: string,
  read: () => T | Promise<T>,
  done: (value: T) => boolean,
  opts: PollOptions = {},
): Promise<T> {
  const timeout = opts.timeoutMs ?? 10_000;
  const interval = opts.intervalMs ?? 100;
  const notYet = (v: T) => `not yet: ${JSON.stringify(v)?.slice(0, 800)}`;
  if (expect.getState().currentTestName === undefined) {
    return vi.waitFor(
      async () => {
        const v = await read();
        if (!done(v)) throw new Error(`waiting for ${what}: ${notYet(v)}`);
        return v;
      },
      { timeout, interval },
    );
  }
  let last: T | undefined;
  await expect
    .poll(
      async () => {
        last = await read();
        return done(last) ? 'done' : notYet(last);
      },
      { timeout, interval, message: `waiting for ${what}` },
    )
    .toBe('done');
  return last as T;
}

/** Polls until `read` returns a value that is not undefined, null or false, and returns it. */
export async function present<T>(
  what: string,
  read: () => T | undefined | false | Promise<T | undefined | false>,
  opts: PollOptions = {},
): Promise<T> {
  return (await eventually(what, read, (v) => v !== undefined && v !== false && v !== null, opts)) as T;
}
