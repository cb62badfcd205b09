/**
 * `npm run bench`: the speed and memory figures, printed (never asserted).
 *
 *   npm run bench                 # 10,000 pods (default)
 *   npm run bench -- --pods 2000  # another size
 *
 * Measures, on the built-in cluster with `--fleet scale:N`:
 *   1. cluster start-up time (until every pod is listed Running);
 *   2. list latency of all pods through @kubernetes/client-node, unpaginated and in pages of 500,
 *      and through kubectl;
 *   3. the dashboard (`next start` against the cluster's kubeconfig, as a real deployment would be):
 *      time to the first overview (initial cache sync included), then steady-state response times
 *      of the overview, workloads and SidecarSet JSON routes, and the server's resident memory;
 *   4. the dashboard with two such clusters (a second `--fleet scale:N` cluster beside the first,
 *      one kubeconfig for both): each cluster's first overview, the cross-cluster view, and the
 *      server's resident memory with both caches full (`--clusters 1` skips this part).
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import type { Cluster } from '../lib/sim/index';

const root = path.resolve(__dirname, '..');
const require = createRequire(__filename);
const { values: args } = parseArgs({
  options: {
    pods: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '20' },
    port: { type: 'string', default: '0' },
    clusters: { type: 'string', default: '2' },
  },
});
const pods = Number(args.pods);
const rounds = Number(args.rounds);

function stats(samples: number[]): string {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
  return `median ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, min ${at(0).toFixed(1)} ms (n=${s.length})`;
}

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const v = await fn();
  return [performance.now() - t0, v];
}

function rssMiB(pid: number): number {
  // next start may run the server in a child process: sum the whole process tree.
  const tree = [pid];
  try {
    const children = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
    for (const c of children) tree.push(Number(c));
  } catch {
    // no children
  }
  let kb = 0;
  for (const p of tree) {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
    kb += Number(m?.[1] ?? 0);
  }
  return kb / 1024;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const r = await fetch(url);
      if (r.status < 500) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

async function main(): Promise<void> {
  console.log(`Sidecar Fleet benchmark: ${pods} pods, node ${process.version}, ${require('node:os').cpus().length} cores\n`);
  if (!existsSync(path.join(root, '.next', 'BUILD_ID'))) {
    console.log('(no build: running next build first)');
    execFileSync(process.execPath, [require.resolve('next/dist/bin/next'), 'build'], { cwd: root, stdio: 'inherit' });
  }
  const { startCluster } = await import('../lib/sim/index');

  const [startMs, cluster] = await time(() =>
    startCluster({ port: 0, fleet: `scale:${pods}`, kubeconfigPath: path.join(root, '.sim', 'bench-kubeconfig') }),
  );
  console.log(`cluster start-up (--fleet scale:${pods}): ${startMs.toFixed(0)} ms`);

  const kubeconfigPath = cluster.kubeconfigPath as string;
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const core = kc.makeApiClient(k8s.CoreV1Api);

  const whole: number[] = [];
  let count = 0;
  for (let i = 0; i < Math.min(rounds, 10); i++) {
    const [ms, list] = await time(() => core.listPodForAllNamespaces());
    whole.push(ms);
    count = list.items.length;
  }
  console.log(`list ${count} pods, client-node, one request: ${stats(whole)}`);

  const paged: number[] = [];
  for (let i = 0; i < Math.min(rounds, 5); i++) {
    const [ms] = await time(async () => {
      let cont: string | undefined;
      do {
        const page = await core.listPodForAllNamespaces({ limit: 500, _continue: cont });
        cont = page.metadata?._continue || undefined;
      } while (cont);
    });
    paged.push(ms);
  }
  console.log(`list ${count} pods, client-node, pages of 500: ${stats(paged)}`);

  try {
    // Asynchronously: the built-in cluster answers from this very process.
    const kubectl: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      await promisify(execFile)('kubectl', ['--kubeconfig', kubeconfigPath, 'get', 'pods', '-A', '--no-headers'], {
        maxBuffer: 1 << 30,
      });
      kubectl.push(performance.now() - t0);
    }
    console.log(`kubectl get pods -A (${count} rows): ${stats(kubectl)}`);
  } catch (e) {
    console.log(`kubectl get pods -A: failed (${(e as Error).message.split('\n')[0]})`);
  }

  const port = args.port === '0' ? await freePort() : Number(args.port);
  const base = `http://127.0.0.1:${port}`;
  let next: ChildProcess | undefined;
  let second: Cluster | undefined;
  try {
    const t0 = performance.now();
    next = await startDashboard(port, { KUBECONFIG: kubeconfigPath });
    console.log(
      `\ndashboard (next start) ready: ${(performance.now() - t0).toFixed(0)} ms, RSS ${rssMiB(next.pid as number).toFixed(0)} MiB`,
    );
    const cluster0 = await firstClusterId(base);

    const [firstMs, first] = await time(async () => (await fetch(`${base}/api/c/${cluster0}/overview`)).json());
    const overview = first as { sidecarSets?: unknown[]; totals?: { pods?: number } };
    console.log(
      `first overview (initial list of the cluster into the cache): ${firstMs.toFixed(0)} ms, ` +
        `${overview.sidecarSets?.length ?? '?'} SidecarSets, ${overview.totals?.pods ?? '?'} pods`,
    );
    console.log(`server RSS after the first sync: ${rssMiB(next.pid as number).toFixed(0)} MiB`);

    for (const [label, url] of [
      ['GET /api/c/<cluster>/overview', `/api/c/${cluster0}/overview`],
      ['GET /api/c/<cluster>/workloads (page 1)', `/api/c/${cluster0}/workloads`],
      ['GET /c/<cluster> (server-rendered overview page)', `/c/${cluster0}`],
    ] as const) {
      const samples: number[] = [];
      let bytes = 0;
      for (let i = 0; i < rounds; i++) {
        const [ms, body] = await time(async () => (await fetch(`${base}${url}`)).text());
        samples.push(ms);
        bytes = body.length;
      }
      console.log(`${label}: ${stats(samples)}, ${(bytes / 1024).toFixed(0)} KiB`);
    }
    const oneCluster = rssMiB(next.pid as number);
    console.log(`server RSS at the end: ${oneCluster.toFixed(0)} MiB`);
    await stopDashboard(next);
    next = undefined;

    if (Number(args.clusters) >= 2) {
      // A second cluster of the same size beside the first: one dashboard, both clusters.
      const { startCluster } = await import('../lib/sim/index');
      const { mergeKubeconfigs, writeKubeconfig } = await import('../lib/sim/kubeconfig');
      const [secondMs, started] = await time(() =>
        startCluster({ port: 0, fleet: `scale:${pods}`, kubeconfigPath: false, clusterName: 'bench-b', contextPrefix: 'bench-b' }),
      );
      second = started;
      console.log(`\nsecond cluster start-up (--fleet scale:${pods}): ${secondMs.toFixed(0)} ms`);
      const both = path.join(root, '.sim', 'bench-two-kubeconfig');
      writeKubeconfig(both, mergeKubeconfigs([readFileSync(kubeconfigPath, 'utf8'), started.kubeconfig]));
      next = await startDashboard(port, { KUBECONFIG: both, SIDECAR_FLEET_CONTEXTS: '*-admin' });
      const ids = await clusterIds(base);
      for (const id of ids) {
        const [ms, body] = await time(async () => (await fetch(`${base}/api/c/${id}/overview`)).json());
        console.log(
          `two clusters: first overview of ${id}: ${ms.toFixed(0)} ms, ${(body as { totals?: { pods?: number } }).totals?.pods ?? '?'} pods`,
        );
      }
      const across: number[] = [];
      let rows = 0;
      for (let i = 0; i < Math.min(rounds, 10); i++) {
        const [ms, body] = await time(async () => (await fetch(`${base}/api/clusters/compare`)).json());
        across.push(ms);
        rows = (body as { sidecarSets?: unknown[] }).sidecarSets?.length ?? 0;
      }
      console.log(`two clusters: GET /api/clusters/compare (${rows} SidecarSets side by side): ${stats(across)}`);
      // The same steady state as the one-cluster figure: each cluster's pages asked for as often.
      for (const id of ids) {
        for (let i = 0; i < rounds; i++) {
          for (const url of [`/api/c/${id}/overview`, `/api/c/${id}/workloads`, `/c/${id}`]) await (await fetch(`${base}${url}`)).text();
        }
      }
      const twoClusters = rssMiB(next.pid as number);
      console.log(
        `server RSS with ${ids.length} clusters of ${pods} pods each (both caches full): ${twoClusters.toFixed(0)} MiB ` +
          `(one cluster: ${oneCluster.toFixed(0)} MiB)`,
      );
    }
  } finally {
    if (next) await stopDashboard(next);
    await second?.stop();
    await cluster.stop();
  }
}

/** `next start` on a kubeconfig, answered once its configuration route does. */
async function startDashboard(port: number, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [require.resolve('next/dist/bin/next'), 'start', '-p', String(port)], {
    cwd: root,
    env: { NEXT_TELEMETRY_DISABLED: '1', ...process.env, ...env, NODE_ENV: 'production', SIDECAR_FLEET_GUARD: 'off' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`next start exited with ${code} before answering`))),
  );
  await Promise.race([waitForHttp(`http://127.0.0.1:${port}/api/clusters`, 60_000), exited]);
  return child;
}

async function stopDashboard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await gone;
}

async function clusterIds(base: string): Promise<string[]> {
  const body = (await (await fetch(`${base}/api/clusters`)).json()) as { clusters: Array<{ id: string }> };
  return body.clusters.map((c) => c.id);
}

async function firstClusterId(base: string): Promise<string> {
  const [id] = await clusterIds(base);
  if (!id) throw new Error('the dashboard shows no cluster');
  return id;
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
