import type { FleetPulse } from '@/lib/fleet/views';

/**
 * The Server-Sent Events of one live view (app/api/c/[cluster]/live/route.ts): `event: view` with
 * the view's JSON and `event: pulse` with the pulse, first at once and then whenever the views'
 * revision or the cluster's freshness changes, checked every `checkMs`. Hand-written: what no SSE
 * library does is coalesce, so that a client that stopped reading gets the latest view when it
 * reads again, and the server holds at most one unread view per stream meanwhile.
 *
 * The stream ends after `maxMs`, when `ending()` says so (a shutdown), when the client goes away
 * (`signal`), and at the first failed read (`event: failed`; the page then falls back to fetching,
 * which shows the error as usual).
 */
export interface LiveEventsOptions {
  /** The pulse: cheap, asked every checkMs. */
  pulse: () => Promise<FleetPulse>;
  /** The view's JSON at the pulse given (null: not found). */
  view: (at: string) => Promise<string | null>;
  signal: AbortSignal;
  ending: () => boolean;
  checkMs?: number;
  heartbeatMs?: number;
  maxMs?: number;
  /** A failed read, for the server's log. */
  onError?: (e: unknown) => void;
}

export function liveEvents(opts: LiveEventsOptions): ReadableStream<Uint8Array> {
  const { checkMs = 250, heartbeatMs = 15_000, maxMs = 5 * 60_000 } = opts;
  const encoder = new TextEncoder();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const opened = Date.now();
      let sent: string | undefined;
      let lastWrite = 0;
      const write = (text: string) => {
        if (closed) return;
        try {
          controller.enqueue(encoder.encode(text));
          lastWrite = Date.now();
        } catch {
          // The client went away between two checks.
          closed = true;
        }
      };
      const send = (event: string, data: string) => write(`event: ${event}\ndata: ${data}\n\n`);
      const close = () => {
        if (closed) return;
        closed = true;
        if (timer) clearTimeout(timer);
        try {
          controller.close();
        } catch {
          // already closed by the client
        }
      };
      opts.signal.addEventListener('abort', close);
      write('retry: 3000\n\n');
      const tick = async () => {
        if (closed) return close();
        try {
          // A client that has not read what was sent (a slow link, a stalled tab) is sent nothing
          // more until it has; then it gets the latest view, not every change since it stalled.
          const backedUp = (controller.desiredSize ?? 1) <= 0;
          if (!backedUp) {
            const pulse = await opts.pulse();
            const f = pulse.freshness;
            const at = `${pulse.revision}|${f.live}|${f.errors.length}|${JSON.stringify(f.listing ?? null)}`;
            if (at !== sent) {
              const json = await opts.view(at);
              if (json === null) {
                send('failed', JSON.stringify({ status: 404 }));
                return close();
              }
              // The view first: the page counts its stream as up on it, then the pulse stops the polling.
              send('view', json);
              send('pulse', JSON.stringify(pulse));
              sent = at;
            } else if (Date.now() - lastWrite > heartbeatMs) {
              write(': still here\n\n');
            }
          }
          if (Date.now() - opened > maxMs || opts.ending()) return close();
        } catch (e) {
          opts.onError?.(e);
          send('failed', JSON.stringify({ status: 0 }));
          return close();
        }
        timer = setTimeout(() => void tick(), checkMs);
      };
      void tick();
    },
    cancel() {
      closed = true;
      if (timer) clearTimeout(timer);
    },
  });
}
