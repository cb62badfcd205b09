import 'server-only';
import type { FleetClient } from './config';
import { requestStatus } from './http';

/**
 * How one cluster's caches learn, cheaply, that a down API server answers again.
 *
 * Each resource cache backs off exponentially after a failure (up to backoffMaxMs), so a server
 * that is down for long is not hammered: with the per-namespace fallback there can be hundreds of
 * resource caches, and retrying each of them every second or two would send hundreds of requests
 * a second to a server that is down or still starting (and, once it answers, relists that reach
 * etcd before it is ready). But a backoff that has grown to 15 s also leaves the data stale for up
 * to 15 s after the server is back. So while any resource waits out a backoff, one probe per
 * cluster asks `GET /readyz` every `intervalMs` (cheap: it lists nothing, only checks etcd and the
 * server's own state, and the default `system:public-info-viewer` role lets anyone ask); it answers
 * 200 only once the server can serve lists and watches again. When a probe that failed is
 * followed by one that succeeds, the server has come back, and every waiting resource retries at
 * once (a synced resource re-watches from its last resourceVersion: no relist). Requests to a down server: one a
 * second per cluster plus each resource's own decaying retries; freshness after it answers: about
 * `intervalMs` plus one watch request.
 *
 * Only a failure then a success wakes anyone: when /readyz answers while a resource keeps failing
 * (a 500 on one resource, a proxy that answers /readyz itself), the resources keep their backoff.
 */
export class RecoveryProbe {
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly answers: () => Promise<boolean>,
    private readonly intervalMs: number,
    private readonly onBack: () => void,
  ) {}

  /** Something could not reach the server: probe until it answers (a no-op while already probing). */
  trouble(): void {
    if (this.running || this.stopped) return;
    this.running = true;
    void this.probe(false);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async probe(sawDown: boolean): Promise<void> {
    const up = await this.answers();
    if (this.stopped) return;
    if (!up) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.probe(true);
      }, this.intervalMs);
      this.timer.unref?.();
      return;
    }
    this.running = false;
    if (sawDown) this.onBack();
  }
}

/**
 * Whether the API server answers: any HTTP status below 500 (a 401/403/404 is an answer too),
 * except 429, which asks us to come back later. A 5xx from /readyz means not ready yet (etcd, or
 * its own caches still syncing after a restart).
 */
export async function serverAnswers(client: FleetClient, timeoutMs: number): Promise<boolean> {
  const r = await requestStatus(client, '/readyz', timeoutMs);
  return r.ok && r.value < 500 && r.value !== 429;
}
