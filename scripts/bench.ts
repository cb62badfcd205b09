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
 *      of the overview, workloads and SidecarSet JSON routes, and the server's resident memory.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as k8s from '@kubernetes/client-node';

const root = path.resolve(__dirname, '..');
const require = createRequire(__filename);
const { values: args } = parseArgs({
  options: {
    pods: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '20' },
    port: { type: 'string', default: '0' },
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
  try {
    const t0 = performance.now();
    next = spawn(process.execPath, [require.resolve('next/dist/bin/next'), 'start', '-p', String(port)], {
      cwd: root,
      env: { NEXT_TELEMETRY_DISABLED: '1', ...process.env, KUBECONFIG: kubeconfigPath, NODE_ENV: 'production' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const exited = new Promise<never>((_, reject) =>
      next?.once('exit', (code) => reject(new Error(`next start exited with ${code} before answering`))),
    );
    await Promise.race([waitForHttp(`${base}/api/pulse`, 60_000), exited]);
    console.log(
      `\ndashboard (next start) ready: ${(performance.now() - t0).toFixed(0)} ms, RSS ${rssMiB(next.pid as number).toFixed(0)} MiB`,
    );

    const [firstMs, first] = await time(async () => (await fetch(`${base}/api/overview`)).json());
    const overview = first as { sidecarSets?: unknown[]; totals?: { pods?: number } };
    console.log(
      `first overview (initial list of the cluster into the cache): ${firstMs.toFixed(0)} ms, ` +
        `${overview.sidecarSets?.length ?? '?'} SidecarSets, ${overview.totals?.pods ?? '?'} pods`,
    );
    console.log(`server RSS after the first sync: ${rssMiB(next.pid as number).toFixed(0)} MiB`);

    for (const [label, url] of [
      ['GET /api/overview', '/api/overview'],
      ['GET /api/workloads (page 1)', '/api/workloads'],
      ['GET / (server-rendered overview page)', '/'],
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
    console.log(`server RSS at the end: ${rssMiB(next.pid as number).toFixed(0)} MiB`);
  } finally {
    next?.kill('SIGTERM');
    await cluster.stop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
