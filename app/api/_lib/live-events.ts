import { AsyncResource } from 'node:async_hooks';
import type { FleetPulse } from '@/lib/fleet/views';

/**
 * The Server-Sent Events of one live view (app/api/c/[cluster]/live/route.ts): `event: view` with
 * the view's JSON and `event: pulse` with the pulse, first at once and then whenever the views'
 * revision or the cluster's freshness changes (the pulse alone when the view shows nothing new),
 * checked every `checkMs`, and at once when `wake` says a model with a person's change was built.
 * Hand-written: what no SSE library does is coalesce, so that a client that stopped reading gets
 * the latest view when it reads again, and the server holds at most one unread view per stream
 * meanwhile.
 *
 * The stream ends after `maxMs`, when `ending()` says so (a shutdown), when the client goes away
 * (`signal`), and at the first failed read (`event: failed`; the page then falls back to fetching,
 * which shows the error as usual).
 */
export interface LiveEventsOptions {
  /** The pulse: cheap, asked every checkMs. */
  pulse: () => Promise<FleetPulse>;
  /** The view at the pulse given (null: not found). */
  view: (at: string) => Promise<LiveView | null>;
  signal: AbortSignal;
  ending: () => boolean;
  checkMs?: number;
  /** Subscribes to "the views may have changed" (a model with a person's change was built); returns the unsubscribe. */
  wake?: (fn: () => void) => () => void;
  heartbeatMs?: number;
  maxMs?: number;
  /** A failed read, for the server's log. */
  onError?: (e: unknown) => void;
  /** Called once, when the first view has been sent or the stream ended before it (the stream is open). */
  opened?: () => void;
  /**
   * Asked before each check after the first view: a promise to wait for first (the answers under
   * way, so a page being rendered does not queue behind 200 streams' checks), or nothing.
   */
  giveWay?: () => Promise<unknown> | undefined;
}

/** A view to send: what it shows apart from its freshness, and its JSON (asked only when that changed). */
export interface LiveView {
  content: string;
  json: () => string;
}

export function liveEvents(opts: LiveEventsOptions): ReadableStream<Uint8Array> {
  const { checkMs = 250, heartbeatMs = 15_000, maxMs = 5 * 60_000 } = opts;
  const encoder = new TextEncoder();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  let unwake: (() => void) | undefined;
  let announced = false;
  const announceOpen = () => {
    if (announced) return;
    announced = true;
    opts.opened?.();
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const opened = Date.now();
      let sent: string | undefined;
      let sentContent: string | undefined;
      let lastWrite = 0;
      // The reconnect delay goes out with the first write: each write is one chunk, and a chunk
      // not yet read holds the next view back (see backedUp), so the first view must not wait
      // behind a chunk of its own.
      let prefix = 'retry: 3000\n\n';
      const write = (text: string) => {
        if (closed) return;
        try {
          controller.enqueue(encoder.encode(prefix + text));
          prefix = '';
          lastWrite = Date.now();
        } catch {
          // The client went away between two checks.
          closed = true;
        }
      };
      const event = (name: string, data: string) => `event: ${name}\ndata: ${data}\n\n`;
      const send = (name: string, data: string) => write(event(name, data));
      const close = () => {
        announceOpen();
        if (closed) return;
        closed = true;
        if (timer) clearTimeout(timer);
        unwake?.();
        try {
          controller.close();
        } catch {
          // already closed by the client
        }
      };
      opts.signal.addEventListener('abort', close);
      // A check under way when woken checks again as soon as it ends.
      let checking = false;
      let woken = false;
      // Every check runs in the request's context (its cookies say who is asking), also one
      // scheduled from a wake, which comes from the model build's context.
      const inRequest = AsyncResource.bind(() => void tick());
      const schedule = (ms: number) => {
        if (closed) return;
        if (timer) clearTimeout(timer);
        timer = setTimeout(inRequest, ms);
      };
      const tick = async () => {
        if (closed) return close();
        checking = true;
        woken = false;
        try {
          if (sent !== undefined) {
            const wait = opts.giveWay?.();
            if (wait) await wait;
            if (closed) return close();
          }
          // A client that has not read what was sent (a slow link, a stalled tab) is sent nothing
          // more until it has; then it gets the latest view, not every change since it stalled.
          const backedUp = (controller.desiredSize ?? 1) <= 0;
          if (!backedUp) {
            const pulse = await opts.pulse();
            const f = pulse.freshness;
            const at = `${pulse.revision}|${f.live}|${f.errors.length}|${JSON.stringify(f.listing ?? null)}`;
            if (at !== sent) {
              const view = await opts.view(at);
              if (view === null) {
                send('failed', JSON.stringify({ status: 404 }));
                return close();
              }
              // The view first: the page counts its stream as up on it, then the pulse stops the
              // polling. One chunk, so a client that has read it is ready for the next. A view
              // that shows what the last one showed is not sent again (under a big fleet's churn,
              // most are): the pulse alone brings the newer freshness, which the page shows.
              const pulseEvent = event('pulse', JSON.stringify(pulse));
              write(view.content === sentContent ? pulseEvent : event('view', view.json()) + pulseEvent);
              sent = at;
              sentContent = view.content;
              announceOpen();
            } else if (Date.now() - lastWrite > heartbeatMs) {
              write(': still here\n\n');
            }
          }
          if (Date.now() - opened > maxMs || opts.ending()) return close();
        } catch (e) {
          opts.onError?.(e);
          send('failed', JSON.stringify({ status: 0 }));
          return close();
        } finally {
          checking = false;
        }
        schedule(woken ? 0 : checkMs);
      };
      unwake = opts.wake?.(() => {
        if (checking) woken = true;
        else schedule(0);
      });
      void tick();
    },
    cancel() {
      announceOpen();
      closed = true;
      if (timer) clearTimeout(timer);
      unwake?.();
    },
  });
}
