import 'server-only';

/**
 * The server process's life, as far as the cluster door cares: writes in flight (a rollout action's
 * patch and audit Event, a guard pause), which a graceful shutdown lets finish; whether the
 * process is draining (readiness then says so, and no new guard pause starts); and the answers
 * being computed (pages and reads), which a model build gives way to (lib/k8s/fleet.ts).
 * On globalThis: Next gives route handlers and instrumentation.ts separate module copies.
 */
interface Lifecycle {
  writes: number;
  draining: boolean;
  idle: Array<() => void>;
  answers: number;
  answered: Array<() => void>;
}

const KEY = Symbol.for('sidecar-fleet.lifecycle');
type Holder = { [KEY]?: Lifecycle };

function state(): Lifecycle {
  const g = globalThis as Holder;
  g[KEY] ??= { writes: 0, draining: false, idle: [], answers: 0, answered: [] };
  return g[KEY];
}

/** Runs a write to the cluster, counted until it settles. */
export async function trackWrite<T>(write: () => Promise<T>): Promise<T> {
  const s = state();
  s.writes++;
  try {
    return await write();
  } finally {
    s.writes--;
    if (s.writes === 0) for (const fn of s.idle.splice(0)) fn();
  }
}

export function writesInFlight(): number {
  return state().writes;
}

/**
 * Resolves true once `count` is 0 (at once, or when a waiter in `waiters` is called), or false
 * after `ms`, when its waiter is taken out of the list again. For counts of work in flight: writes
 * and answers here, requests in lib/server/request-hooks.ts.
 */
export function untilNone(count: number, waiters: Array<() => void>, ms: number): Promise<boolean> {
  if (count === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(t);
      resolve(true);
    };
    const t = setTimeout(() => {
      const i = waiters.indexOf(done);
      if (i >= 0) waiters.splice(i, 1);
      resolve(false);
    }, ms);
    waiters.push(done);
  });
}

/** Resolves true when no write is in flight, or false after `timeoutMs` with some still running. */
export function whenWritesSettled(timeoutMs: number): Promise<boolean> {
  const s = state();
  return untilNone(s.writes, s.idle, timeoutMs);
}

export function startDraining(): void {
  state().draining = true;
}

export function isDraining(): boolean {
  return state().draining;
}

/**
 * An answer started (a page or a read; lib/server/request-hooks.ts counts every request but the
 * live streams, which stay open). Returns the function that says it ended; calling it twice counts once.
 */
export function answerStarted(): () => void {
  const s = state();
  s.answers++;
  let ended = false;
  return () => {
    if (ended) return;
    ended = true;
    s.answers--;
    if (s.answers === 0) for (const fn of s.answered.splice(0)) fn();
  };
}

export function answersInFlight(): number {
  return state().answers;
}

/** Resolves true once no answer is being computed, or false after `maxMs` with some still under way. */
export function whenAnswered(maxMs: number): Promise<boolean> {
  const s = state();
  return untilNone(s.answers, s.answered, maxMs);
}
