/**
 * `npm start`: serves the dashboard on http://localhost:3000 (PORT to change it).
 *
 * Which clusters: every context of KUBECONFIG / ~/.kube/config, and the in-cluster service account
 * when running in a pod. With none of those (or with --builtin / SIDECAR_FLEET_CLUSTER=builtin) it
 * starts built-in simulated clusters in this process on loopback ports — by default two, `demo`
 * and `demo-prod`, whose istio-proxy versions differ on purpose — writes one kubeconfig with a
 * context per cluster and user, and points the dashboard at it through KUBECONFIG: the dashboard
 * then reaches each over HTTPS with the same client code as any real cluster.
 *
 * With --real (or SIDECAR_FLEET_CLUSTER=real) it starts the real control plane instead
 * (tools/real-cluster: kube-apiserver, etcd, OpenKruise's kruise-manager and KWOK on loopback, built
 * from Go modules on first use) and points the dashboard at it the same way.
 *
 * Flags (after `npm start --`):
 *   --builtin                  use built-in clusters even when a kubeconfig exists
 *   --fleet F[,F…]             the built-in clusters, one per fleet: demo, demo-prod, empty, scale:N
 *                              (default demo,demo-prod); with --real, the real cluster's fleet (demo or empty)
 *   --also-builtin F[,F…]      built-in clusters beside the kubeconfig's clusters or the real one
 *   --real                     use the real control plane (built on first use; needs Go)
 *   --contexts A,B*            show only these kubeconfig contexts (`*` wildcard; SIDECAR_FLEET_CONTEXTS)
 *   --exclude-contexts A,B*    leave these out (`in-cluster` names the service account; SIDECAR_FLEET_EXCLUDE_CONTEXTS)
 *   --context NAME             show only this one context (e.g. sim-viewer)
 *   --cluster-names A=Name,…   display names per context (SIDECAR_FLEET_CLUSTER_NAMES)
 *   --sim-port N               first built-in cluster's port (default: a free one)
 *   --kubeconfig-out PATH      where to write the started clusters' kubeconfig (default .sim/kubeconfig,
 *                              or .real-cluster/kubeconfig with --real)
 *   --state FILE               built-in clusters: restore from FILE (FILE.<name> for the second and
 *                              later ones) on start, save on exit
 *   --no-kruise                the started clusters have no OpenKruise (the dashboard then shows pods only)
 *   --auth local|token|proxy   who the dashboard acts as (default local: the kubeconfig identity, loopback only;
 *                              token: a sign-in page per person; proxy: behind an authenticating proxy)
 *   --host ADDRESS             listen address (default 127.0.0.1; another needs --auth token or proxy)
 *   --port N                   dashboard port (default PORT or 3000)
 *   --no-build                 never build, even if the build looks stale
 *
 * Clusters started here show their admin context only, unless --context/--contexts say otherwise.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { homedir, hostname, networkInterfaces } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SERVER_NODE_FLAGS } from './server-flags';

const root = path.resolve(__dirname, '..');
const require = createRequire(__filename);

const { values: args } = parseArgs({
  options: {
    builtin: { type: 'boolean', default: false },
    real: { type: 'boolean', default: false },
    fleet: { type: 'string', default: process.env.SIDECAR_FLEET_SIM_FLEET },
    'also-builtin': { type: 'string' },
    contexts: { type: 'string', default: process.env.SIDECAR_FLEET_CONTEXTS },
    'exclude-contexts': { type: 'string', default: process.env.SIDECAR_FLEET_EXCLUDE_CONTEXTS },
    'cluster-names': { type: 'string', default: process.env.SIDECAR_FLEET_CLUSTER_NAMES },
    'sim-port': { type: 'string', default: process.env.SIDECAR_FLEET_SIM_PORT ?? '0' },
    'kubeconfig-out': { type: 'string', default: process.env.SIDECAR_FLEET_SIM_KUBECONFIG },
    context: { type: 'string', default: process.env.SIDECAR_FLEET_CONTEXT },
    state: { type: 'string', default: process.env.SIDECAR_FLEET_SIM_STATE },
    port: { type: 'string', default: process.env.PORT ?? '3000' },
    'no-build': { type: 'boolean', default: false },
    'no-kruise': { type: 'boolean', default: false },
    auth: { type: 'string', default: process.env.SIDECAR_FLEET_AUTH ?? 'local' },
    host: { type: 'string', default: process.env.SIDECAR_FLEET_HOST ?? '127.0.0.1' },
    'kubelet-delay-ms': { type: 'string', default: process.env.SIDECAR_FLEET_SIM_KUBELET_DELAY_MS },
  },
  strict: true,
});

type Target = { kind: 'kubeconfig'; path: string } | { kind: 'in-cluster' } | { kind: 'builtin'; why: string } | { kind: 'real' };

function chooseCluster(): Target {
  if (args.real || process.env.SIDECAR_FLEET_CLUSTER === 'real') return { kind: 'real' };
  if (args.builtin || process.env.SIDECAR_FLEET_CLUSTER === 'builtin') {
    return { kind: 'builtin', why: 'asked for explicitly' };
  }
  const fromEnv = (process.env.KUBECONFIG ?? '').split(path.delimiter).filter((p) => p && existsSync(p));
  if (fromEnv.length > 0) return { kind: 'kubeconfig', path: process.env.KUBECONFIG as string };
  if (process.env.KUBECONFIG) {
    console.warn(`KUBECONFIG=${process.env.KUBECONFIG} names no existing file; ignoring it.`);
  }
  const home = path.join(homedir(), '.kube', 'config');
  if (existsSync(home)) return { kind: 'kubeconfig', path: home };
  if (process.env.KUBERNETES_SERVICE_HOST && existsSync('/var/run/secrets/kubernetes.io/serviceaccount/token')) {
    return { kind: 'in-cluster' };
  }
  return { kind: 'builtin', why: 'no kubeconfig or in-cluster config was found' };
}

/** Newest modification time under the given paths (files only), skipping build output. */
function newestMtime(paths: string[]): number {
  let newest = 0;
  const walk = (p: string) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const entry of readdirSync(p)) {
        if (entry === 'node_modules' || entry.startsWith('.')) continue;
        walk(path.join(p, entry));
      }
    } else if (!p.endsWith('.test.ts')) {
      newest = Math.max(newest, st.mtimeMs);
    }
  };
  for (const p of paths) walk(path.join(root, p));
  return newest;
}

function buildIfNeeded(): void {
  if (args['no-build']) return;
  const buildId = path.join(root, '.next', 'BUILD_ID');
  const sources = ['app', 'components', 'lib', 'public', 'package.json', 'next.config.js', 'postcss.config.mjs'];
  if (existsSync(buildId) && statSync(buildId).mtimeMs >= newestMtime(sources)) return;
  console.log(existsSync(buildId) ? 'Sources changed since the last build: building…' : 'No build yet: building…');
  const r = spawnSync(process.execPath, [require.resolve('next/dist/bin/next'), 'build'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) {
    console.error('The build failed; not starting.');
    process.exit(r.status ?? 1);
  }
}

/** The default built-in clusters: two demos whose istio-proxy versions differ, so the cross-cluster view has something to show. */
const DEFAULT_BUILTIN_FLEETS = 'demo,demo-prod';

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** A kubeconfig cluster name (and URL id) from a fleet name: `scale:10000` → `scale-10000`. */
function nameFor(fleet: string, taken: Set<string>): string {
  const base = fleet.toLowerCase().replace(/[^a-z0-9-]+/g, '-') || 'builtin';
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
  taken.add(name);
  return name;
}

interface Started {
  kubeconfig: string;
  /** Contexts this process made that are not the admin's (hidden unless asked for). */
  otherContexts: string[];
  stop: () => Promise<void> | void;
}

async function startBuiltIn(fleets: string[], primary: boolean, why: string): Promise<Started[]> {
  // Loaded only here: a dashboard pointed at a real cluster never loads the simulator.
  const { startCluster } = await import('../lib/sim/index');
  const taken = new Set<string>();
  return Promise.all(
    fleets.map(async (fleet, i) => {
      const name = nameFor(fleet, taken);
      // The first cluster of a plain `npm start` keeps the `sim-` contexts the docs and tests use.
      const contextPrefix = primary && i === 0 ? 'sim' : `sim-${name}`;
      const started = Date.now();
      const cluster = await startCluster({
        port: i === 0 ? Number(args['sim-port']) : 0,
        fleet,
        clusterName: name,
        contextPrefix,
        kubeconfigPath: false,
        statePath: args.state ? path.resolve(i === 0 ? args.state : `${args.state}.${name}`) : undefined,
        kubeletDelayMs: args['kubelet-delay-ms'] ? Number(args['kubelet-delay-ms']) : undefined,
        kruise: !args['no-kruise'],
        kruiseCrd: !args['no-kruise'],
      });
      console.log(
        `Built-in cluster ${name} (${why}): ${cluster.url}, fleet "${fleet}", contexts ${contextPrefix}-*, ready in ${Date.now() - started} ms.`,
      );
      return {
        kubeconfig: cluster.kubeconfig,
        otherContexts: cluster.users.map((u) => `${contextPrefix}-${u.name}`).filter((c) => c !== `${contextPrefix}-admin`),
        stop: () => cluster.stop(),
      };
    }),
  );
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** The auth mode and listen address, checked before anything starts; the env the server reads. */
function authEnv(): Record<string, string> {
  const mode = args.auth;
  if (mode !== 'local' && mode !== 'token' && mode !== 'proxy') {
    console.error(`--auth must be local, token or proxy, not "${mode}".`);
    process.exit(2);
  }
  if (mode === 'local' && !LOOPBACK.has(args.host)) {
    console.error(
      `Refusing to listen on ${args.host} in local mode: everyone who reaches the port would act as this kubeconfig's identity.\n` +
        'Use --auth token (each person signs in with their own token) or --auth proxy (behind an authenticating proxy such as oauth2-proxy).',
    );
    process.exit(2);
  }
  if (mode === 'proxy' && !process.env.SIDECAR_FLEET_PROXY_SECRET) {
    console.warn(
      'Proxy mode without SIDECAR_FLEET_PROXY_SECRET: only a bearer token forwarded by the proxy identifies a person; identity headers are ignored.',
    );
  }
  const env: Record<string, string> = { SIDECAR_FLEET_AUTH: mode, SIDECAR_FLEET_HOST: args.host };
  if (!process.env.SIDECAR_FLEET_ALLOWED_HOSTS) env.SIDECAR_FLEET_ALLOWED_HOSTS = allowedHosts(args.host, args.port).join(',');
  if (mode === 'token' && !process.env.SIDECAR_FLEET_SESSION_SECRET) {
    // Generated per start: sessions end with the process. Set it to keep them across restarts.
    env.SIDECAR_FLEET_SESSION_SECRET = randomBytes(32).toString('base64url');
  }
  return env;
}

/** Host names a browser may use to reach this server: loopback, or every address of the machine. */
function allowedHosts(host: string, port: string): string[] {
  const names = new Set<string>(['localhost', '127.0.0.1', '[::1]']);
  if (!LOOPBACK.has(host)) {
    names.add(hostname().toLowerCase());
    if (host !== '0.0.0.0' && host !== '::') names.add(host.includes(':') ? `[${host}]` : host);
    else
      for (const list of Object.values(networkInterfaces()))
        for (const a of list ?? []) names.add(a.family === 'IPv6' ? `[${a.address}]` : a.address);
  }
  return [...names].map((n) => `${n}:${port}`);
}

async function main(): Promise<void> {
  const authVars = authEnv();
  buildIfNeeded();
  const target = chooseCluster();
  const env: NodeJS.ProcessEnv = { NEXT_TELEMETRY_DISABLED: '1', ...process.env, ...authVars, PORT: args.port };
  const started: Started[] = [];
  const { mergeKubeconfigs, writeKubeconfig } = await import('../lib/sim/kubeconfig');

  if (target.kind === 'builtin') {
    started.push(...(await startBuiltIn(list(args.fleet ?? DEFAULT_BUILTIN_FLEETS), true, target.why)));
  } else if (target.kind === 'real') {
    const { startRealCluster } = await import('../tools/real-cluster/index');
    const t0 = Date.now();
    const kubeconfigOut = args['kubeconfig-out'];
    const fleet = args.fleet ?? 'demo';
    const cluster = await startRealCluster({
      fleet,
      // Its working directory (etcd data, logs) beside the kubeconfig asked for, so a second real
      // cluster (the browser tests') never shares one with a user's.
      dir: kubeconfigOut ? path.dirname(path.resolve(root, kubeconfigOut)) : undefined,
      kubeconfigPath: path.resolve(root, kubeconfigOut ?? '.real-cluster/kubeconfig'),
      kubeletDelayMs: args['kubelet-delay-ms'] ? Number(args['kubelet-delay-ms']) : undefined,
      kruise: !args['no-kruise'],
      log: (line) => console.log(line),
    });
    console.log(`Real control plane: ${cluster.url}, fleet "${fleet}", ready in ${((Date.now() - t0) / 1000).toFixed(1)} s.`);
    started.push({
      kubeconfig: cluster.kubeconfig,
      otherContexts: Object.keys(cluster.tokens)
        .filter((u) => u !== 'admin')
        .map((u) => `${cluster.contextPrefix}-${u}`),
      stop: () => cluster.stop(),
    });
  } else if (target.kind === 'kubeconfig') {
    console.log(`Clusters from kubeconfig ${target.path}.`);
  } else {
    console.log('Cluster from the in-cluster service account.');
  }

  const beside = list(args['also-builtin']);
  if (beside.length > 0) started.push(...(await startBuiltIn(beside, false, 'beside the others')));

  if (started.length > 0) {
    // One kubeconfig for every cluster started here, for the dashboard and for kubectl. Beside a
    // user's kubeconfig it gets a file of its own, never one a running dashboard may be reading.
    const defaultOut = { real: '.real-cluster/kubeconfig', builtin: '.sim/kubeconfig', kubeconfig: '.sim/beside/kubeconfig' };
    const out = path.resolve(
      root,
      args['kubeconfig-out'] ?? (target.kind === 'in-cluster' ? defaultOut.kubeconfig : defaultOut[target.kind]),
    );
    writeKubeconfig(out, mergeKubeconfigs(started.map((c) => c.kubeconfig)));
    console.log(`  kubectl --kubeconfig ${path.relative(process.cwd(), out) || out} config get-contexts`);
    // Beside a user's kubeconfig, its clusters come first and its current context stays the default.
    env.KUBECONFIG = target.kind === 'kubeconfig' ? [target.path, out].join(path.delimiter) : out;
  }

  // Which contexts show: the flags (or their environment variables), else every context, except
  // the non-admin users of the clusters started here (one cluster, one entry in the switcher).
  const only = args.context ? [args.context] : list(args.contexts);
  if (only.length > 0) env.SIDECAR_FLEET_CONTEXTS = only.join(',');
  const exclude = [...list(args['exclude-contexts']), ...(only.length === 0 ? started.flatMap((c) => c.otherContexts) : [])];
  if (exclude.length > 0) env.SIDECAR_FLEET_EXCLUDE_CONTEXTS = exclude.join(',');
  if (args['cluster-names']) env.SIDECAR_FLEET_CLUSTER_NAMES = args['cluster-names'];
  // The dashboard reads the lists above; the older single-context variable would narrow them again.
  delete env.SIDECAR_FLEET_CONTEXT;

  const next = spawn(
    process.execPath,
    [...SERVER_NODE_FLAGS, require.resolve('next/dist/bin/next'), 'start', '-p', args.port, '-H', args.host],
    {
      cwd: root,
      env,
      stdio: 'inherit',
    },
  );
  const shown = LOOPBACK.has(args.host) ? 'localhost' : args.host === '0.0.0.0' || args.host === '::' ? hostname() : args.host;
  console.log(`Sidecar Fleet: http://${shown}:${args.port} (sign-in: ${args.auth}; answers to ${env.SIDECAR_FLEET_ALLOWED_HOSTS})`);

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    next.kill('SIGTERM');
    await Promise.all(started.map((c) => c.stop()));
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  next.on('exit', (code) => void stop(code ?? 0));
}

main().catch((err) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
