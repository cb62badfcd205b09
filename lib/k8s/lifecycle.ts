import 'server-only';

/**
 * The server process's life, as far as the cluster door cares: writes in flight (a rollout action's
 * patch and audit Event, a guard pause), which a graceful shutdown lets finish, and whether the
 * process is draining (readiness then says so, and no new guard pause starts).
 * On globalThis: Next gives route handlers and instrumentation.ts separate module copies.
 */
interface Lifecycle {
  writes: number;
  draining: boolean;
  idle: Array<() => void>;
}

const KEY = Symbol.for('sidecar-fleet.lifecycle');
type Holder = { [KEY]?: Lifecycle };

function state(): Lifecycle {
  const g = globalThis as Holder;
  g[KEY] ??= { writes: 0, draining: false, idle: [] };
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

/** Resolves true when no write is in flight, or false after `timeoutMs` with some still running. */
export function whenWritesSettled(timeoutMs: number): Promise<boolean> {
  const s = state();
  if (s.writes === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), timeoutMs);
    s.idle.push(() => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

export function startDraining(): void {
  state().draining = true;
}

export function isDraining(): boolean {
  return state().draining;
}
