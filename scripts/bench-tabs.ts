/**
 * The bench's simulated open tabs (`npm run bench`, step 5), in a process of their own: the bench
 * process also hosts a built-in cluster and writes the churn, and tabs sharing its event loop
 * would time that work rather than the dashboard's answers. Prints the result as one JSON line.
 *
 *   tsx scripts/bench-tabs.ts <base-url> <cluster-id> <tabs> <milliseconds> push|poll
 */
import path from 'node:path';

/** Latencies in ms per kind of request, requests that failed, and views pushed after each stream's first. */
export interface TabsResult {
  latency: Record<string, number[]>;
  errors: number;
  pushes: number;
  /**
   * The page loads that started once every tab had its stream open (push) or had started (poll):
   * the steady state, apart from the herd of 200 streams opening within 1.5 s.
   */
  settledPages: number[];
  /** The tabs' own CPU time (this process), since it shares the machine with the dashboard. */
  cpuSeconds: number;
}

/** Reads Server-Sent Events from a live stream, calling `onEvent` per event, until it ends or `signal` aborts. */
export async function readEvents(url: string, signal: AbortSignal, onEvent: (event: string, data: string) => void): Promise<void> {
  const r = await fetch(url, { signal });
  if (!r.ok || !r.body) throw new Error(`live stream: HTTP ${r.status}`);
  const decoder = new TextDecoder();
  let buf = '';
  for await (const chunk of r.body as unknown as AsyncIterable<Uint8Array>) {
    buf += decoder.decode(chunk, { stream: true });
    for (let end = buf.indexOf('\n\n'); end >= 0; end = buf.indexOf('\n\n')) {
      const block = buf.slice(0, end);
      buf = buf.slice(end + 2);
      let event = 'message';
      let data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data += line.slice(6);
      }
      if (data) onEvent(event, data);
    }
  }
}

/**
 * Tabs that behave like the live pages (lib/query/use-live-query.ts). `push` (what the pages do):
 * each tab holds its view's live stream, which the server writes to when the view changes, and
 * loads the server-rendered page every ~30 s. `poll` (a page whose stream failed): the pulse every
 * 1.5 s, the view refetched when the pulse's revision moves, and the page now and then.
 */
export async function simulateViewers(
  base: string,
  cluster: string,
  count: number,
  durationMs: number,
  mode: 'push' | 'poll',
): Promise<TabsResult> {
  const latency: Record<string, number[]> = mode === 'push' ? { 'stream open': [], page: [] } : { pulse: [], view: [], page: [] };
  let errors = 0;
  let pushes = 0;
  const end = Date.now() + durationMs;
  // When the last tab's stream opened (or, polling, the last tab started), and each page load's start.
  let settled = Number.POSITIVE_INFINITY;
  let opened = 0;
  const pageStarts: number[] = [];
  const get = async (kindOf: string, url: string): Promise<string | undefined> => {
    const t0 = performance.now();
    try {
      const r = await fetch(`${base}${url}`);
      const body = await r.text();
      latency[kindOf]?.push(performance.now() - t0);
      if (kindOf === 'page') pageStarts.push(t0);
      if (!r.ok) errors++;
      return body;
    } catch {
      errors++;
      return undefined;
    }
  };
  const viewOf = (k: number) => (k % 2 ? '/overview' : `/sidecarsets/bench-agent-${String(k % 50).padStart(2, '0')}`);
  const pages = async () => {
    let nextPage = Date.now() + Math.random() * 30_000;
    while (Date.now() < end) {
      await new Promise((r) => setTimeout(r, Math.max(0, Math.min(nextPage, end) - Date.now())));
      if (Date.now() >= end) break;
      nextPage = Date.now() + 20_000 + Math.random() * 20_000;
      await get('page', `/c/${cluster}`);
    }
  };
  const pushTab = async (k: number) => {
    const abort = new AbortController();
    const stop = setTimeout(() => abort.abort(), Math.max(0, end - Date.now()));
    const stream = (async () => {
      while (Date.now() < end) {
        const t0 = performance.now();
        let first = true;
        try {
          await readEvents(`${base}/api/c/${cluster}/live?view=${encodeURIComponent(viewOf(k))}`, abort.signal, (event) => {
            if (event !== 'view') return;
            if (first) {
              latency['stream open']?.push(performance.now() - t0);
              if (++opened === count) settled = performance.now();
            } else pushes++;
            first = false;
          });
        } catch {
          if (abort.signal.aborted) break;
          errors++;
          // As a browser's EventSource: reconnect after the stream's `retry` (3 s), not at once.
          await new Promise((r) => setTimeout(r, Math.min(3_000, Math.max(0, end - Date.now()))));
        }
      }
    })();
    await pages();
    clearTimeout(stop);
    abort.abort();
    await stream;
  };
  const pollTab = async (k: number) => {
    let revision: unknown;
    const polling = (async () => {
      while (Date.now() < end) {
        const started = Date.now();
        const pulse = await get('pulse', `/api/c/${cluster}/pulse`);
        const rev = pulse ? (JSON.parse(pulse) as { revision?: unknown }).revision : undefined;
        if (rev !== revision) {
          revision = rev;
          await get('view', `/api/c/${cluster}${viewOf(k)}`);
        }
        await new Promise((r) => setTimeout(r, Math.max(0, 1500 - (Date.now() - started))));
      }
    })();
    await pages();
    await polling;
  };
  await Promise.all(
    Array.from({ length: count }, async (_, k) => {
      // Spread the tabs' clocks as real tabs are.
      await new Promise((r) => setTimeout(r, (k * 1500) / count));
      if (mode === 'poll' && k === count - 1) settled = performance.now();
      await (mode === 'push' ? pushTab(k) : pollTab(k));
    }),
  );
  const settledPages = (latency.page ?? []).filter((_, i) => (pageStarts[i] as number) >= settled);
  const cpu = process.cpuUsage();
  return { latency, errors, pushes, settledPages, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

async function main(): Promise<void> {
  const [base, cluster, count, ms, mode] = process.argv.slice(2);
  if (!base || !cluster || !count || !ms || (mode !== 'push' && mode !== 'poll'))
    throw new Error('usage: bench-tabs.ts <base-url> <cluster-id> <tabs> <milliseconds> push|poll');
  const result = await simulateViewers(base, cluster, Number(count), Number(ms), mode);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === __filename) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  });
}
