/**
 * `npm run bench`: the speed and memory figures, printed (never asserted), next to what a user
 * would do instead on the same cluster in the same run.
 *
 *   npm run bench                                   # built-in cluster, 10,000 pods, two clusters
 *   npm run bench -- --cluster real --pods 20000    # the real control plane (KWOK nodes, 30 pods each)
 *   npm run bench -- --pods 2000 --clusters 1 --viewers 50 --viewer-seconds 60
 *
 * Flags: --cluster builtin|real (default builtin), --pods N per cluster (default 10000),
 * --clusters K (default 2: the first on --cluster, the others built-in clusters of the same size),
 * --viewers V concurrent simulated tabs (default 200), --viewer-seconds S (default 60),
 * --churn R pod changes per second during the live measurements (default 100), --rounds R,
 * --compare off to skip the kubectl + jq runs (minutes at 150,000 pods) while iterating,
 * --profile DIR to write the dashboard server's CPU profile there (open it in Chrome's DevTools),
 * --tabs push|poll: tabs on the live stream (default, as the pages run) or polling the pulse,
 * --server-heap-mb M to give the dashboard server's V8 heap that budget (--max-old-space-size), as
 *   the chart does from its memory limit,
 * --server-cores N to give the dashboard server N cores of its own (Linux taskset), as a pod with a
 *   CPU limit of N has, once the kubectl + jq runs are done: the cluster(s), the churn and the tabs
 *   then run on the other cores, so the server's figures no longer include waiting for a core
 *   they hold (at 150,000 built-in pods the cluster and its churn take as much CPU as the server).
 * --others-nice N to run the cluster(s) and the churn at Linux nice N (1 to 19) from the dashboard's
 *   start on, the server and the tabs staying at 0: the server then gets a core whenever it is
 *   ready to run, its own threads (GC, compiler) included, nearly as with the cluster on other machines.
 *
 * It measures, in one run:
 *   1. the cluster(s) start-up (the real one: nodes, SidecarSets and Deployments made through its API;
 *      the controller-manager, scheduler, Kruise's webhook and KWOK make and run the pods);
 *   2. what a user does without the dashboard: `kubectl get pods -A -o json | jq` for the sidecar
 *      versions per workload, and for the pods running one image;
 *   3. the dashboard (`next start` on a kubeconfig of every cluster, as a deployment would run):
 *      the time from start to its first overview, the same two answers, steady-state response
 *      times, and the server's resident memory;
 *   4. live under churn: R pod changes per second written to the API server while a SidecarSet's
 *      image is changed; the time until the dashboard's SidecarSet view shows the new image;
 *   5. V simulated open tabs for S seconds (the pulse every 1.5 s, a view refetch when the pulse's
 *      revision moves, a page load now and then): latency percentiles (also of the page loads once
 *      every tab is open) and errors, how many lists the dashboard sent the API server meanwhile
 *      (its own counters: one list and one watch per resource and cluster, whatever the number of
 *      tabs), and the CPU time each process took meanwhile, with how long the dashboard's event
 *      loop waited for a core.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, setPriority } from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import { keptAliveApiClient } from '../lib/k8s/agents';
import { freePort } from '../tools/real-cluster/processes';
import { readEvents, type TabsResult } from './bench-tabs';
import { SERVER_NODE_FLAGS } from './server-flags';

const root = path.resolve(__dirname, '..');
const require = createRequire(__filename);
const { values: args } = parseArgs({
  options: {
    cluster: { type: 'string', default: 'builtin' },
    pods: { type: 'string', default: '10000' },
    clusters: { type: 'string', default: '2' },
    viewers: { type: 'string', default: '200' },
    'viewer-seconds': { type: 'string', default: '60' },
    churn: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '20' },
    port: { type: 'string', default: '0' },
    compare: { type: 'string', default: 'on' },
    profile: { type: 'string' },
    tabs: { type: 'string', default: 'push' },
    'server-heap-mb': { type: 'string' },
    'server-cores': { type: 'string' },
    'others-nice': { type: 'string' },
  },
});
const kind = args.cluster === 'real' ? 'real' : 'builtin';
const pods = Number(args.pods);
const clusterCount = Math.max(1, Number(args.clusters));
const rounds = Number(args.rounds);
const viewers = Number(args.viewers);
const viewerSeconds = Number(args['viewer-seconds']);
const churnRate = Number(args.churn);

/** The figures table printed at the end: one row per measurement, dashboard beside the alternative. */
const table: Array<{ what: string; dashboard: string; instead?: string }> = [];

function pct(samples: number[], q: number): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
}

function stats(samples: number[]): string {
  return `p50 ${pct(samples, 0.5).toFixed(1)} ms, p99 ${pct(samples, 0.99).toFixed(1)} ms (n=${samples.length})`;
}

/** A duration; NaN for a comparison skipped with --compare off. */
const seconds = (ms: number) => (Number.isNaN(ms) ? 'not run (--compare off)' : `${(ms / 1000).toFixed(1)} s`);

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const v = await fn();
  return [performance.now() - t0, v];
}

/** A process and its children: next start may run the server in a child process. */
function processTree(pid: number): number[] {
  const tree = [pid];
  try {
    tree.push(
      ...execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean)
        .map(Number),
    );
  } catch {
    // no children
  }
  return tree;
}

function rssMiB(pid: number): number {
  let kb = 0;
  for (const p of processTree(pid)) kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
  return kb / 1024;
}

/**
 * The cores for the dashboard server and for everything else, when --server-cores N asks for N
 * cores of its own: the last N, and the ones before them.
 */
function coreSplit(): { server: string; others: string } | undefined {
  if (args['server-cores'] === undefined) return undefined;
  const n = Number(args['server-cores']);
  const total = cpus().length;
  if (!Number.isInteger(n) || n < 1 || n >= total) throw new Error(`--server-cores must be from 1 to ${total - 1} on this machine`);
  const range = (from: number, to: number) => (from === to ? String(from) : `${from}-${to}`);
  return { server: range(total - n, total - 1), others: range(0, total - n - 1) };
}

/** Pins a process, its threads and its descendants to `cores` (taskset; children started later inherit it). */
function pinTree(pid: number, cores: string): void {
  execFileSync('taskset', ['-a', '-p', '-c', cores, String(pid)], { stdio: 'ignore' });
  let children: number[] = [];
  try {
    children = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    // no children
  }
  for (const c of children) pinTree(c, cores);
}

/** The niceness --others-nice asks for, if any. */
function othersNice(): number | undefined {
  if (args['others-nice'] === undefined) return undefined;
  const n = Number(args['others-nice']);
  if (!Number.isInteger(n) || n < 1 || n > 19) throw new Error('--others-nice must be from 1 to 19');
  return n;
}

/**
 * Sets every thread of a process and of its descendants to `nice` (Linux's nice is per thread;
 * threads and children started later inherit it from the one that starts them).
 */
function reniceTree(pid: number, nice: number): void {
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      setPriority(Number(tid), nice);
    } catch {
      // the thread ended meanwhile
    }
  }
  for (const c of processTree(pid).slice(1)) reniceTree(c, nice);
}

/** Linux's USER_HZ, the unit of /proc's CPU times (100 on every Linux this runs on). */
const TICKS_PER_SECOND = 100;

/**
 * CPU time on this machine (Linux /proc), to tell a slow answer of the dashboard's from one that
 * waited for a core: the machine's busy time, the dashboard's process tree, its busiest process's
 * main thread (the event loop: how long it ran, and how long it was ready to run but waited for a
 * core, from schedstat), and this process. Seconds.
 */
interface CpuSample {
  machineBusy: number;
  dashboard: number;
  loopRan: number;
  loopWaited: number;
  bench: number;
}

function cpuSample(dashboardPid: number): CpuSample {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: busy is all but idle and iowait.
  const machineBusy = (fields.slice(0, 8).reduce((a, b) => a + b, 0) - (fields[3] ?? 0) - (fields[4] ?? 0)) / TICKS_PER_SECOND;
  let dashboard = 0;
  let loop = { ran: 0, waited: 0 };
  for (const p of processTree(dashboardPid)) {
    // The fields after the command (which may hold spaces), from the state on: utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
    const rest = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    dashboard += ((rest[11] ?? 0) + (rest[12] ?? 0)) / TICKS_PER_SECOND;
    const [ran = 0, waited = 0] = readFileSync(`/proc/${p}/schedstat`, 'utf8')
      .trim()
      .split(' ')
      .map((n) => Number(n) / 1e9);
    if (ran > loop.ran) loop = { ran, waited };
  }
  const self = process.cpuUsage();
  return { machineBusy, dashboard, loopRan: loop.ran, loopWaited: loop.waited, bench: (self.user + self.system) / 1e6 };
}

interface StartedCluster {
  name: string;
  kubeconfig: string;
  stop: () => Promise<void> | void;
}

async function startClusters(): Promise<StartedCluster[]> {
  const out: StartedCluster[] = [];
  if (kind === 'real') {
    const { startRealCluster } = await import('../tools/real-cluster/index');
    const [ms, real] = await time(() =>
      startRealCluster({
        fleet: `scale:${pods}`,
        dir: path.join(root, '.real-cluster', 'bench'),
        kubeconfigPath: false,
        contextPrefix: 'bench-real',
        log: (l) => console.log(l),
      }),
    );
    console.log(`real control plane with ${pods} pods on ${Math.ceil(pods / 30)} KWOK nodes: ${seconds(ms)}`);
    table.push({ what: `cluster start-up with ${pods} pods (real)`, dashboard: seconds(ms) });
    out.push({ name: 'bench-real', kubeconfig: real.kubeconfig, stop: () => real.stop() });
  }
  const { startCluster } = await import('../lib/sim/index');
  // The first built-in cluster runs in this process (the churn writes to it); the others each in
  // their own (scripts/bench-cluster.ts), started together.
  if (out.length === 0 && clusterCount > 0) {
    const name = 'bench-a';
    const [ms, sim] = await time(() =>
      startCluster({ port: 0, fleet: `scale:${pods}`, kubeconfigPath: false, clusterName: name, contextPrefix: name }),
    );
    console.log(`built-in cluster ${name} with ${pods} pods: ${seconds(ms)}`);
    table.push({ what: `cluster start-up with ${pods} pods (built-in)`, dashboard: seconds(ms) });
    out.push({ name, kubeconfig: sim.kubeconfig, stop: () => sim.stop() });
  }
  const others = Array.from({ length: clusterCount - out.length }, (_, k) => `bench-${String.fromCharCode(97 + out.length + k)}`);
  out.push(...(await Promise.all(others.map(startClusterProcess))));
  return out;
}

/** A built-in cluster in its own process; resolves once it serves its pods. */
async function startClusterProcess(name: string): Promise<StartedCluster> {
  const file = path.join(root, '.sim', `bench-${name}.kubeconfig`);
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [require.resolve('tsx/cli'), path.join(root, 'scripts', 'bench-cluster.ts'), name, String(pods), file],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let text = '';
    child.stdout?.on('data', (c: Buffer) => {
      text += c.toString();
      if (/^ready \d+$/m.test(text)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`built-in cluster ${name} exited with ${code} before it was ready`)));
  });
  console.log(`built-in cluster ${name} with ${pods} pods, in its own process: ${seconds(performance.now() - t0)}`);
  return {
    name,
    kubeconfig: readFileSync(file, 'utf8'),
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * A shell pipeline (failing if any part fails); the figure is its wall time, the answer its output.
 * Asynchronous: the built-in clusters answer from this very process.
 */
async function shell(script: string, env: Record<string, string>): Promise<[number, string]> {
  const t0 = performance.now();
  const { stdout } = await promisify(execFile)('bash', ['-o', 'pipefail', '-c', script], {
    env: { ...process.env, ...env },
    maxBuffer: 1 << 30,
    encoding: 'utf8',
  });
  return [performance.now() - t0, stdout.trim()];
}

// What a user runs without the dashboard. Each workload is its pods' owner (the ReplicaSet's
// Deployment is the ReplicaSet name without its hash: what people do by eye).
const JQ_VERSIONS =
  '[.items[] | {w: (.metadata.namespace + "/" + ((.metadata.ownerReferences // [])[0].name // .metadata.name | sub("-[a-z0-9]{8,10}$"; ""))), ' +
  'i: [.spec.containers[] | select(.name != "app") | .image]}] | group_by(.w) | map({workload: .[0].w, versions: ([.[].i[]] | unique)}) | length';
const jqImage = (image: string) =>
  `[.items[] | select(any(.spec.containers[]; .image == "${image}")) | .metadata.namespace + "/" + .metadata.name] | length`;

async function main(): Promise<void> {
  console.log(
    `Sidecar Fleet benchmark: --cluster ${kind}, ${pods} pods x ${clusterCount} cluster(s), node ${process.version}, ${cpus().length} cores\n`,
  );
  if (!existsSync(path.join(root, '.next', 'BUILD_ID'))) {
    console.log('(no build: running next build first)');
    execFileSync(process.execPath, [require.resolve('next/dist/bin/next'), 'build'], { cwd: root, stdio: 'inherit' });
  }
  const clusters = await startClusters();
  const { mergeKubeconfigs, writeKubeconfig } = await import('../lib/sim/kubeconfig');
  const kubeconfigPath = path.join(root, '.sim', 'bench-kubeconfig');
  writeKubeconfig(kubeconfigPath, mergeKubeconfigs(clusters.map((c) => c.kubeconfig)));
  const first = clusters[0] as StartedCluster;
  const kubectlEnv = { KUBECONFIG: kubeconfigPath };
  const firstContext = `${first.name}-admin`;
  const probeImage = 'ghcr.io/acme/bench-agent:1.3.0';

  let next: ChildProcess | undefined;
  let churn: ReturnType<typeof startChurn> | undefined;
  try {
    // 2. What a user does instead --------------------------------------------------------------
    const compare = args.compare !== 'off';
    const [kVersionsMs, kVersions] = compare
      ? await shell(`kubectl --context ${firstContext} get pods -A -o json | jq '${JQ_VERSIONS}'`, kubectlEnv)
      : [Number.NaN, 'skipped'];
    console.log(`kubectl get pods -A -o json | jq (versions per workload, ${kVersions} workloads): ${seconds(kVersionsMs)}`);
    const [kImageMs, kImage] = compare
      ? await shell(`kubectl --context ${firstContext} get pods -A -o json | jq '${jqImage(probeImage)}'`, kubectlEnv)
      : [Number.NaN, 'skipped'];
    console.log(`kubectl get pods -A -o json | jq (pods running ${probeImage}: ${kImage}): ${seconds(kImageMs)}`);

    // 3. The dashboard -------------------------------------------------------------------------
    const port = args.port === '0' ? await freePort() : Number(args.port);
    const base = `http://127.0.0.1:${port}`;
    const cores = coreSplit();
    if (cores) {
      pinTree(process.pid, cores.others);
      console.log(
        `the dashboard server runs on core(s) ${cores.server}; the cluster(s), the churn and the tabs on core(s) ${cores.others}`,
      );
      table.push({ what: 'cores', dashboard: `server ${cores.server}; cluster(s), churn and tabs ${cores.others}` });
    }
    const nice = othersNice();
    if (nice !== undefined) {
      reniceTree(process.pid, nice);
      console.log(`the cluster(s) and the churn run at nice ${nice}; the dashboard server and the tabs at 0`);
      table.push({ what: 'priorities', dashboard: `server and tabs nice 0; cluster(s) and churn nice ${nice}` });
    }
    const t0 = performance.now();
    next = startDashboard(port, { KUBECONFIG: kubeconfigPath, SIDECAR_FLEET_CONTEXTS: '*-admin' }, cores?.server, nice);
    const id = await firstClusterId(base, next);
    // The first overview a person gets after a start, whatever it says about its completeness.
    const firstOverview = await until(async () => {
      const r = await fetch(`${base}/api/c/${id}/overview`).catch(() => undefined);
      return r?.ok ? ((await r.json()) as Overview) : undefined;
    }, 30 * 60_000);
    const firstMs = performance.now() - t0;
    const partial = !firstOverview.freshness?.live;
    console.log(
      `dashboard: first overview ${seconds(firstMs)} after start (${firstOverview.totals?.pods ?? '?'} pods, ${partial ? 'marked not live' : 'live'})`,
    );
    // Then the time until it is complete (every list done).
    await until(async () => {
      const o = (await (await fetch(`${base}/api/c/${id}/overview`)).json()) as Overview;
      return o.freshness?.live && (o.totals?.pods ?? 0) >= pods ? o : undefined;
    }, 30 * 60_000);
    const completeMs = performance.now() - t0;
    console.log(`dashboard: overview complete (every list done) ${seconds(completeMs)} after start`);
    table.push({
      what: 'first overview after a start',
      dashboard: `${seconds(firstMs)}${partial ? ' (partial)' : ''}; complete ${seconds(completeMs)}`,
    });
    if (clusters.length > 1) {
      // Every cluster read in full, so that "synced" below means all of them.
      const ids = (await (await fetch(`${base}/api/clusters`)).json()) as { clusters: Array<{ id: string }> };
      await Promise.all(
        ids.clusters.map((c) =>
          until(
            async () => {
              const o = (await (await fetch(`${base}/api/c/${c.id}/overview`)).json()) as Overview;
              return o.freshness?.live && (o.totals?.pods ?? 0) >= pods ? o : undefined;
            },
            60 * 60_000,
            2_000,
          ),
        ),
      );
      const allMs = performance.now() - t0;
      console.log(`dashboard: every cluster's overview complete ${seconds(allMs)} after start`);
      table.push({ what: `all ${clusters.length} clusters read (${clusters.length * pods} pods)`, dashboard: seconds(allMs) });
    }

    const [dVersionsMs, workloads] = await time(
      async () => (await (await fetch(`${base}/api/c/${id}/workloads`)).json()) as { total?: number },
    );
    console.log(
      `dashboard: versions per workload (GET /api/c/${id}/workloads, page 1 of ${workloads.total ?? '?'}): ${dVersionsMs.toFixed(1)} ms`,
    );
    table.push({
      what: 'sidecar versions per workload',
      dashboard: `${dVersionsMs.toFixed(0)} ms`,
      instead: `kubectl + jq ${seconds(kVersionsMs)}`,
    });
    const [dImageMs, search] = await time(
      async () => (await (await fetch(`${base}/api/clusters/images?q=${encodeURIComponent(probeImage)}`)).json()) as ImageSearch,
    );
    console.log(`dashboard: which pods run ${probeImage} (every cluster): ${dImageMs.toFixed(1)} ms, ${describeSearch(search)}`);
    table.push({
      what: `pods running one image (${clusters.length} cluster(s))`,
      dashboard: `${dImageMs.toFixed(0)} ms`,
      instead: `kubectl + jq ${seconds(kImageMs)} (one cluster)`,
    });

    for (const [label, url] of [
      ['GET /api/c/<cluster>/overview', `/api/c/${id}/overview`],
      ['GET /api/c/<cluster>/workloads', `/api/c/${id}/workloads`],
      ['GET /c/<cluster> (server-rendered page)', `/c/${id}`],
    ] as const) {
      const samples: number[] = [];
      let bytes = 0;
      for (let i = 0; i < rounds; i++) {
        const [ms, body] = await time(async () => (await fetch(`${base}${url}`)).text());
        samples.push(ms);
        bytes = body.length;
      }
      console.log(`${label}: ${stats(samples)}, ${(bytes / 1024).toFixed(0)} KiB`);
      table.push({ what: label, dashboard: `${stats(samples)}, ${(bytes / 1024).toFixed(0)} KiB` });
    }
    const rssSynced = rssMiB(next.pid as number);
    const heapSynced = await heapUsedMiB(base);
    console.log(
      `server RSS, ${clusters.length} cluster(s) of ${pods} pods synced: ${rssSynced.toFixed(0)} MiB (V8 heap in use ${heapSynced.toFixed(0)} MiB)`,
    );

    // 4. Live under churn ----------------------------------------------------------------------
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(kubeconfigPath);
    kc.setCurrentContext(firstContext);
    churn = startChurn(kc, churnRate);
    const seen: number[] = [];
    const patches: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await imageChangeSeen(kc, base, id, i);
      seen.push(r.shownMs);
      patches.push(r.patchMs);
    }
    console.log(`an image change shown by an open SidecarSet page (pushed), under ${churnRate} pod changes/s: ${stats(seen)}`);
    console.log(`  of which the PATCH itself (sent until the API server answered): ${stats(patches)}`);
    table.push({ what: `change visible under ${churnRate} pod changes/s`, dashboard: `${stats(seen)}; the PATCH alone ${stats(patches)}` });

    // 5. Open tabs -----------------------------------------------------------------------------
    const metricsBefore = await metricsText(base);
    const listsBefore = metricSum(metricsBefore, 'sidecar_fleet_list_pages_total');
    const tabMode = args.tabs === 'poll' ? 'poll' : 'push';
    const madeBefore = churn.made();
    const cpuBefore = cpuSample(next.pid as number);
    const load = await tabsProcess(base, id, viewers, viewerSeconds * 1000, tabMode);
    const cpuAfter = cpuSample(next.pid as number);
    const metricsAfter = await metricsText(base);
    const listsAfter = metricSum(metricsAfter, 'sidecar_fleet_list_pages_total');
    const changesPerSecond = (churn.made() - madeBefore) / viewerSeconds;
    await churn.stop();
    churn = undefined;
    for (const [k, samples] of Object.entries(load.latency)) {
      console.log(`${viewers} tabs for ${viewerSeconds} s, ${k}: ${stats(samples)}`);
    }
    console.log(`${viewers} tabs for ${viewerSeconds} s, page, once every tab's stream was open: ${stats(load.settledPages)}`);
    const all = Object.values(load.latency).flat();
    console.log(
      `${viewers} tabs (${tabMode}): ${all.length} requests (${(all.length / viewerSeconds).toFixed(0)}/s), ` +
        `${load.pushes} views pushed, ${load.errors} errors; ` +
        `list pages sent to the API server meanwhile: ${listsAfter - listsBefore}; ` +
        `pod changes made meanwhile (a new resourceVersion): ${changesPerSecond.toFixed(0)}/s`,
    );
    table.push({
      what: `${viewers} open tabs (${tabMode}) for ${viewerSeconds} s`,
      dashboard: `${stats(all)}, ${load.pushes} pushes, ${load.errors} errors, ${listsAfter - listsBefore} lists to the API server, ${changesPerSecond.toFixed(0)} pod changes/s`,
    });
    // Where a tail latency comes from: the server's garbage collector (prom-client's GC metrics).
    const during = (prefix: string) => metricSum(metricsAfter, prefix) - metricSum(metricsBefore, prefix);
    const pauses =
      `GC ${during('sidecar_fleet_nodejs_gc_duration_seconds_sum').toFixed(1)} s, of it ` +
      `${during('sidecar_fleet_nodejs_gc_duration_seconds_count{kind="major"}')} major collections taking ` +
      `${during('sidecar_fleet_nodejs_gc_duration_seconds_sum{kind="major"}').toFixed(1)} s`;
    console.log(`server during the tabs: ${pauses}`);
    table.push({ what: 'server during the tabs', dashboard: pauses });
    table.push({ what: 'page loads once every tab was open', dashboard: stats(load.settledPages) });
    // Where else it comes from: this machine's cores, shared by the dashboard, the cluster(s), the
    // churn and the tabs.
    const used = (k: keyof CpuSample) => cpuAfter[k] - cpuBefore[k];
    const others = used('machineBusy') - used('dashboard') - used('bench') - load.cpuSeconds;
    const cpu =
      `${used('machineBusy').toFixed(0)} s busy of ${cpus().length} cores x ${viewerSeconds} s; dashboard ${used('dashboard').toFixed(0)} s ` +
      `(its event loop ran ${used('loopRan').toFixed(0)} s and waited ${used('loopWaited').toFixed(0)} s for a core); ` +
      `${kind === 'builtin' ? 'the built-in cluster and the churn' : 'the churn'} (the bench process) ${used('bench').toFixed(0)} s; ` +
      `the tabs ${load.cpuSeconds.toFixed(0)} s; everything else ${Math.max(0, others).toFixed(0)} s`;
    console.log(`CPU during the tabs: ${cpu}`);
    table.push({ what: 'CPU during the tabs', dashboard: cpu });
    // The same page loads timed by the server itself (its request-duration histogram): what the
    // tabs' figure adds beyond it is the client's own wait for a CPU on this machine.
    const served = serverLatency(metricsBefore, metricsAfter, '/c/[cluster]');
    console.log(`page loads as the server timed them: ${served}`);
    table.push({ what: 'page loads, server-side time', dashboard: served });
    const builds = await counter(base, 'sidecar_fleet_model_build_seconds_count');
    const buildSeconds = await counter(base, 'sidecar_fleet_model_build_seconds_sum');
    console.log(`model builds so far: ${builds}, mean ${((buildSeconds / Math.max(1, builds)) * 1000).toFixed(0)} ms`);
    table.push({
      what: 'model build after changes (mean, sliced)',
      dashboard: `${((buildSeconds / Math.max(1, builds)) * 1000).toFixed(0)} ms over ${builds} builds`,
    });
    const rssEnd = rssMiB(next.pid as number);
    const heapEnd = await heapUsedMiB(base);
    console.log(`server RSS at the end: ${rssEnd.toFixed(0)} MiB (V8 heap in use ${heapEnd.toFixed(0)} MiB)`);
    table.push({
      what: `server RSS (${clusters.length} x ${pods} pods)${args['server-heap-mb'] ? `, heap budget ${args['server-heap-mb']} MiB` : ''}`,
      dashboard: `${rssSynced.toFixed(0)} MiB synced, ${rssEnd.toFixed(0)} MiB after the tabs (V8 heap in use ${heapSynced.toFixed(0)}, then ${heapEnd.toFixed(0)} MiB)`,
    });
  } finally {
    if (churn) await churn.stop();
    if (next) await stopDashboard(next);
    for (const c of clusters) await c.stop();
  }

  console.log(`\nFigures (--cluster ${kind}, ${pods} pods x ${clusters.length} cluster(s), ${cpus().length} cores):`);
  const w = Math.max(...table.map((r) => r.what.length));
  const d = Math.max(...table.map((r) => r.dashboard.length));
  console.log(`  ${'measure'.padEnd(w)} | ${'dashboard'.padEnd(d)} | instead`);
  for (const r of table) console.log(`  ${r.what.padEnd(w)} | ${r.dashboard.padEnd(d)} | ${r.instead ?? ''}`);
}

interface Overview {
  totals?: { pods?: number };
  freshness?: { live: boolean };
}

interface ImageSearch {
  matches?: unknown[];
  pods?: number;
}

function describeSearch(s: ImageSearch): string {
  return `${s.matches?.length ?? 0} SidecarSet/cluster matches, ${s.pods ?? '?'} pods`;
}

async function until<T>(fn: () => Promise<T | undefined>, timeoutMs: number, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * Pod changes at `perSecond` (spread over the first cluster's pods), until stopped: a label the
 * dashboard keeps (a change only to what it trims away, such as another annotation, is dropped by
 * its cache and would cost it nothing), so each one is a new pod object to aggregate.
 */
function startChurn(kc: k8s.KubeConfig, perSecond: number): { made: () => number; stop: () => Promise<void> } {
  // Kept-alive connections, as kubelets and controllers hold theirs: client-node's own agent opened a
  // TLS connection per PATCH, 6.8 s of the bench process's 36.6 busy seconds in a minute of tabs.
  const core = keptAliveApiClient(kc, k8s.CoreV1Api);
  let stopped = false;
  let written = 0;
  const versions = new Map<string, string>();
  const run = (async () => {
    const list = await core.listPodForAllNamespaces({ limit: 2000 });
    const targets = list.items.map((p) => ({ ns: p.metadata?.namespace as string, name: p.metadata?.name as string }));
    if (targets.length === 0 || perSecond <= 0) return;
    const t0 = Date.now();
    let n = 0;
    const inFlight = new Set<Promise<unknown>>();
    while (!stopped) {
      const due = Math.floor(((Date.now() - t0) / 1000) * perSecond);
      while (n < due && inFlight.size < 50) {
        const t = targets[n % targets.length] as { ns: string; name: string };
        // A new value on every pass over the targets: a patch that sets the value a pod already has
        // changes nothing, and the API server announces nothing (the churn of stops 13 to 17 wrote
        // `n % 10`, the same value per pod from the second pass on: real churn for 20 s only).
        const value = String(Math.floor(n / targets.length) % 10);
        const p = core
          .patchNamespacedPod(
            { name: t.name, namespace: t.ns, body: { metadata: { labels: { 'bench.sidecarfleet.io/churn': value } } } },
            k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
          )
          .then((pod) => {
            // Counted only when the API server changed the pod (a new resourceVersion).
            const key = `${t.ns}/${t.name}`;
            const rv = pod.metadata?.resourceVersion;
            if (rv !== versions.get(key)) written++;
            if (rv) versions.set(key, rv);
          })
          .catch(() => {})
          .finally(() => inFlight.delete(p));
        inFlight.add(p);
        n++;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    await Promise.all(inFlight);
  })();
  return {
    made: () => written,
    stop: async () => {
      stopped = true;
      await run;
    },
  };
}

/**
 * Changes the first bench SidecarSet's image (paused, so no pod restarts) and times until an open
 * SidecarSet page shows it: the view pushed on its live stream. Returns the time from sending the
 * PATCH until the page shows it, and the PATCH's own round trip (the API server's part).
 */
async function imageChangeSeen(
  kc: k8s.KubeConfig,
  base: string,
  cluster: string,
  i: number,
): Promise<{ shownMs: number; patchMs: number }> {
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const name = 'bench-agent-00';
  const image = `ghcr.io/acme/bench-agent:9.${Date.now() % 100000}.${i}`;
  const ss = (await custom.getClusterCustomObject({ group: 'apps.kruise.io', version: 'v1beta1', plural: 'sidecarsets', name })) as {
    spec: { containers: Array<{ name: string; image: string }> };
  };
  const containers = ss.spec.containers.map((c, k) => (k === 0 ? { ...c, image } : c));
  const abort = new AbortController();
  let opened!: () => void;
  const open = new Promise<void>((r) => {
    opened = r;
  });
  let t0 = 0;
  const shown = new Promise<number>((resolve, reject) => {
    readEvents(`${base}/api/c/${cluster}/live?view=${encodeURIComponent(`/sidecarsets/${name}`)}`, abort.signal, (event, data) => {
      if (event !== 'view') return;
      opened();
      if (t0 && data.includes(image)) resolve(performance.now() - t0);
    }).catch((e) => (abort.signal.aborted ? undefined : reject(e)));
  });
  const timeout = setTimeout(() => abort.abort(), 120_000);
  try {
    await open;
    t0 = performance.now();
    await custom.patchClusterCustomObject(
      {
        group: 'apps.kruise.io',
        version: 'v1beta1',
        plural: 'sidecarsets',
        name,
        body: { spec: { updateStrategy: { paused: true }, containers } },
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    const patchMs = performance.now() - t0;
    return { shownMs: await shown, patchMs };
  } finally {
    clearTimeout(timeout);
    abort.abort();
  }
}

/** The simulated tabs (scripts/bench-tabs.ts) in a process of their own, with an event loop the bench's cluster and churn do not hold up. */
async function tabsProcess(base: string, cluster: string, count: number, durationMs: number, mode: 'push' | 'poll'): Promise<TabsResult> {
  const tabs = [
    process.execPath,
    require.resolve('tsx/cli'),
    path.join(root, 'scripts', 'bench-tabs.ts'),
    base,
    cluster,
    String(count),
    String(durationMs),
    mode,
  ];
  // Back at nice 0 under --others-nice: the tabs time the answers, and a tab waiting for a core
  // would count its own wait as the server's.
  const nice = othersNice();
  const [command, ...argv] = nice ? ['nice', '-n', String(-nice), ...tabs] : tabs;
  const { stdout } = await promisify(execFile)(command as string, argv, { cwd: root, maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout.trim().split('\n').pop() as string) as TabsResult;
}

const metricsText = async (base: string) => (await fetch(`${base}/metrics`)).text();

/**
 * p50 and p99 of the server's own time for GET `route` between two scrapes, as the bounds of the
 * histogram buckets they fall in (sidecar_fleet_http_request_duration_seconds).
 */
function serverLatency(before: string, after: string, route: string): string {
  const buckets = (text: string) => {
    const byLe = new Map<number, number>();
    for (const line of text.split('\n')) {
      if (!line.startsWith('sidecar_fleet_http_request_duration_seconds_bucket{')) continue;
      if (!line.includes(`route="${route}"`) || !line.includes('method="GET"')) continue;
      const le = /le="([^"]+)"/.exec(line)?.[1];
      if (!le) continue;
      const bound = le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le);
      byLe.set(bound, (byLe.get(bound) ?? 0) + Number(line.split(' ').pop()));
    }
    return byLe;
  };
  const b0 = buckets(before);
  const delta = [...buckets(after)].map(([le, n]) => [le, n - (b0.get(le) ?? 0)] as const).sort((a, b) => a[0] - b[0]);
  const total = delta.at(-1)?.[1] ?? 0;
  if (!total) return 'no requests';
  const at = (q: number) => {
    const le = delta.find(([, n]) => n >= q * total)?.[0] ?? Number.POSITIVE_INFINITY;
    return le === Number.POSITIVE_INFINITY ? 'over the last bucket' : `at most ${le * 1000} ms`;
  };
  return `p50 ${at(0.5)}, p99 ${at(0.99)} (n=${total})`;
}

/** The sum of the samples whose line starts with `prefix` (a name, or a name and its labels). */
function metricSum(text: string, prefix: string): number {
  let sum = 0;
  for (const line of text.split('\n')) if (line.startsWith(prefix)) sum += Number(line.split(' ').pop());
  return sum;
}

/** The server's V8 heap in use (prom-client's nodejs_heap_size_used_bytes), garbage not yet collected included. */
async function heapUsedMiB(base: string): Promise<number> {
  return (await counter(base, 'sidecar_fleet_nodejs_heap_size_used_bytes')) / 1024 / 1024;
}

async function counter(base: string, name: string): Promise<number> {
  return metricSum(await metricsText(base), name);
}

/**
 * `next start` on a kubeconfig, on the cores given (taskset execs it: the pid is the server's), and
 * back at nice 0 when the bench runs at `nice` (nice execs it too).
 */
function startDashboard(port: number, env: Record<string, string>, cores?: string, nice?: number): ChildProcess {
  const profile = args.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(args.profile)}`] : [];
  const heap = args['server-heap-mb'] ? [`--max-old-space-size=${Number(args['server-heap-mb'])}`] : [];
  const node = [
    process.execPath,
    ...profile,
    ...heap,
    ...SERVER_NODE_FLAGS,
    require.resolve('next/dist/bin/next'),
    'start',
    '-p',
    String(port),
    '-H',
    '127.0.0.1',
  ];
  const pinned = cores ? ['taskset', '-c', cores, ...node] : node;
  const [command, ...argv] = nice ? ['nice', '-n', String(-nice), ...pinned] : pinned;
  return spawn(command as string, argv, {
    cwd: root,
    env: {
      NEXT_TELEMETRY_DISABLED: '1',
      ...process.env,
      ...env,
      NODE_ENV: 'production',
      SIDECAR_FLEET_GUARD: 'off',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function stopDashboard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await gone;
}

async function firstClusterId(base: string, child: ChildProcess): Promise<string> {
  return until(async () => {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}`);
    const body = (await (await fetch(`${base}/api/clusters`)).json()) as { clusters: Array<{ id: string }> };
    return body.clusters[0]?.id;
  }, 60_000);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
