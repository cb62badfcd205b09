/** Fault injection for tests: latency, error fractions, dropped watches, forced 410s, outages. */

export interface Faults {
  /** Added to every request, in milliseconds. */
  latencyMs?: number;
  /** Extra random latency, 0..latencyJitterMs. */
  latencyJitterMs?: number;
  /** Fraction (0..1) of requests answered with `errorCode` instead of being served. */
  errorRate?: number;
  /** 500 (InternalError) or 503 (ServiceUnavailable); default 503. */
  errorCode?: 500 | 503;
  /** Close every open watch connection every N seconds (0/undefined: never). */
  dropWatchesEverySeconds?: number;
  /**
   * The next watch request gets 410 Expired: 'http' answers the request with HTTP 410 and a Status,
   * 'stream' answers 200 then an ERROR event carrying the 410 Status. `true` means 'stream'.
   */
  force410NextWatch?: boolean | 'http' | 'stream';
  /** Until this time (ISO string or epoch ms) every request fails. */
  outageUntil?: string | number;
  /** How an outage fails requests: 'reset' destroys the connection, '503' answers ServiceUnavailable. */
  outageMode?: 'reset' | '503';
}

/** The body POST /sim/faults accepts: Faults plus one-shot actions. */
export interface FaultsRequest extends Faults {
  /** Close every open watch connection now. */
  dropWatchesNow?: boolean;
  /** End every open watch now with an in-stream ERROR event carrying 410 Expired (clients must relist). */
  expireWatchesNow?: boolean;
  /** Shorthand for outageUntil = now + N seconds. */
  outageSeconds?: number;
  /** Clear every fault first. */
  reset?: boolean;
}

export function outageActive(f: Faults, now = Date.now()): boolean {
  if (f.outageUntil === undefined) return false;
  const until = typeof f.outageUntil === 'number' ? f.outageUntil : Date.parse(f.outageUntil);
  return Number.isFinite(until) && now < until;
}

/** Validates and normalizes a faults request; throws a message on bad input. */
export function parseFaults(body: unknown): FaultsRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error('faults must be a JSON object');
  const b = body as Record<string, unknown>;
  const out: FaultsRequest = {};
  const num = (k: string, min: number, max: number) => {
    if (b[k] === undefined || b[k] === null) return undefined;
    const v = b[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw new Error(`${k} must be a number in [${min}, ${max}]`);
    return v;
  };
  out.latencyMs = num('latencyMs', 0, 600_000);
  out.latencyJitterMs = num('latencyJitterMs', 0, 600_000);
  out.errorRate = num('errorRate', 0, 1);
  const code = num('errorCode', 500, 503);
  if (code !== undefined && code !== 500 && code !== 503) throw new Error('errorCode must be 500 or 503');
  out.errorCode = code as 500 | 503 | undefined;
  out.dropWatchesEverySeconds = num('dropWatchesEverySeconds', 0, 86_400);
  out.outageSeconds = num('outageSeconds', 0, 86_400);
  if (b.force410NextWatch !== undefined) {
    const v = b.force410NextWatch;
    if (v !== true && v !== false && v !== 'http' && v !== 'stream')
      throw new Error("force410NextWatch must be true, false, 'http' or 'stream'");
    out.force410NextWatch = v;
  }
  if (b.outageUntil !== undefined && b.outageUntil !== null) {
    const v = b.outageUntil;
    if (typeof v !== 'string' && typeof v !== 'number') throw new Error('outageUntil must be an ISO time or epoch milliseconds');
    out.outageUntil = v;
  }
  if (b.outageMode !== undefined) {
    if (b.outageMode !== 'reset' && b.outageMode !== '503') throw new Error("outageMode must be 'reset' or '503'");
    out.outageMode = b.outageMode;
  }
  if (b.dropWatchesNow !== undefined) out.dropWatchesNow = b.dropWatchesNow === true;
  if (b.expireWatchesNow !== undefined) out.expireWatchesNow = b.expireWatchesNow === true;
  if (b.reset !== undefined) out.reset = b.reset === true;
  for (const k of Object.keys(out) as Array<keyof FaultsRequest>) if (out[k] === undefined) delete out[k];
  return out;
}
