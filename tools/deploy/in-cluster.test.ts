/**
 * "Install in a cluster", on the real control plane (tools/real-cluster): the chart applies (server
 * dry run, then for real, its pods being KWOK's), and the image runs as one of its pods would, in
 * in-cluster mode with a token the API server issued to the chart's ServiceAccount: health,
 * readiness through an API server outage, metrics, JSON logs, the rollout guard acting as the
 * service account, and a graceful shutdown that waits for a write held in flight by an admission
 * webhook. Needs `npx next build` first.
 */
import { existsSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { createServer, type Server } from 'node:https';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateClusterTls } from '@/lib/sim/tls';
import { type RealCluster, startRealCluster } from '@/tools/real-cluster/index';
import { renderChart } from './chart';
import type { ImageServer } from './image';
import { helmInstall, type Installed, kubectl, runDir, serviceAccountUser, startInClusterServer } from './install';
import { sessionCookie, sessionSecretOf } from './session-cookie';
import { freePort } from '../real-cluster/processes';
import { breakRollout, breakRolloutAsync, guardedFleet, isPaused, sidecarSetEvents, until } from './test-fleet';

let cluster: RealCluster;
let kubeconfig: string;
let dir: string;
let installed: Installed;
let server: ImageServer;
let port: number;
let app: string;

const RELEASE = { release: 'sidecar-fleet', namespace: 'sidecar-fleet' };

let cookie: string;

/** A GET as the signed-in admin (token mode: the chart's default). */
async function json<T>(p: string, headers: Record<string, string> = {}): Promise<{ status: number; body: T; headers: Headers }> {
  const r = await fetch(`${server.url}${p}`, { headers: { cookie, ...headers } });
  return { status: r.status, body: (await r.json()) as T, headers: r.headers };
}

/** The status of a GET sent with another Host header (fetch does not let a caller set Host). */
function statusWithHost(p: string, host: string, withCookie?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpGet(`${server.url}${p}`, { headers: { host, ...(withCookie ? { cookie: withCookie } : {}) } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
  });
}

async function metrics(): Promise<string> {
  return (await fetch(`${server.url}/metrics`)).text();
}

/** The value of one series in the exposition text (undefined when absent). */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelText = line.slice(name.length, line.lastIndexOf(' '));
    if (want.every((w) => labelText.includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

beforeAll(async () => {
  dir = runDir('in-cluster');
  cluster = await startRealCluster({ dir: path.join(dir, 'cluster'), fleet: 'empty', kubeletDelayMs: 150 });
  kubeconfig = cluster.kubeconfigPath as string;
  await Promise.all([guardedFleet(kubeconfig, 'shop', 3), guardedFleet(kubeconfig, 'held', 2)]);
  port = await freePort();
  // README, "Install with Helm" (the image is never pulled: KWOK plays the kubelet).
  installed = helmInstall(kubeconfig, { ...RELEASE, set: helmValues() });
  // One of the Deployment's pods, as the image runs it (tools/deploy/image.ts).
  server = await startInClusterServer({ kubeconfig, installed, apiServer: cluster.url, port, dir });
  app = path.join(dir, 'image', 'app');
  cookie = await sessionCookie(sessionSecretOf(kubeconfig, installed), { user: 'admin', token: cluster.tokens.admin });
});

function helmValues(): string[] {
  return [
    'image.repository=registry.example.com/platform/sidecar-fleet',
    'image.tag=0.1.0',
    `allowedHosts={127.0.0.1:${port}}`,
    // Short enough for a test: stale after 3 s, a 3 s drain delay on SIGTERM.
    'readiness.maxStaleSeconds=3',
    'shutdown.delaySeconds=3',
    'logLevel=debug',
  ];
}

afterAll(async () => {
  await server?.stop('SIGKILL');
  await cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the chart on a real API server', () => {
  it('installs with helm (a server-side dry run first), and an upgrade keeps the session key', () => {
    expect(installed.dryRun).toMatch(/^STATUS: pending-install$/m);
    expect(installed.applied).toMatch(/^STATUS: deployed$/m);
    // Every object of the release exists.
    const names = kubectl(kubeconfig, ['get', '-f', '-', '-o', 'name'], installed.manifest).trim().split('\n');
    expect(names).toHaveLength(installed.objects.length);
    const key = () =>
      kubectl(kubeconfig, ['-n', RELEASE.namespace, 'get', 'secret', 'sidecar-fleet-session', '-o', 'jsonpath={.data.session-secret}']);
    const before = key();
    expect(Buffer.from(before, 'base64').toString()).toMatch(/^[A-Za-z0-9]{48}$/);
    const upgraded = helmInstall(kubeconfig, { ...RELEASE, set: [...helmValues(), 'podAnnotations.team=platform'] });
    expect(upgraded.applied).toMatch(/^REVISION: 2$/m);
    expect(key()).toBe(before);
  });

  it("with an Ingress and a NetworkPolicy, proxy sign-in and the guard off, still passes the API server's validation", () => {
    const manifest = renderChart({
      ...RELEASE,
      set: [
        ...helmValues(),
        'ingress.enabled=true',
        'ingress.className=nginx',
        'ingress.hosts={fleet.example.com}',
        'ingress.tls[0].secretName=fleet-tls',
        'ingress.tls[0].hosts={fleet.example.com}',
        'networkPolicy.enabled=true',
        'networkPolicy.ingressFrom[0].namespaceSelector.matchLabels.kubernetes\\.io/metadata\\.name=ingress-nginx',
        'auth.mode=proxy',
        'auth.proxy.existingSecret=fleet-proxy',
        'guard.enabled=false',
      ],
    });
    const out = kubectl(kubeconfig, ['apply', '--dry-run=server', '-f', '-'], manifest);
    expect(out).toMatch(/^ingress\.networking\.k8s\.io\/sidecar-fleet created \(server dry run\)$/m);
    expect(out).toMatch(/^networkpolicy\.networking\.k8s\.io\/sidecar-fleet created \(server dry run\)$/m);
    expect(out).toMatch(/^clusterrole\.rbac\.authorization\.k8s\.io\/sidecar-fleet-impersonate created \(server dry run\)$/m);
  });

  it('rolls out two ready replicas behind its Service, guarded by its PodDisruptionBudget', async () => {
    const status = kubectl(kubeconfig, ['-n', RELEASE.namespace, 'rollout', 'status', 'deploy/sidecar-fleet', '--timeout=120s']);
    expect(status).toContain('successfully rolled out');
    const pods = JSON.parse(
      kubectl(kubeconfig, ['-n', RELEASE.namespace, 'get', 'pods', '-l', 'app.kubernetes.io/name=sidecar-fleet', '-o', 'json']),
    );
    expect(pods.items).toHaveLength(2);
    for (const p of pods.items) {
      expect(p.spec.serviceAccountName).toBe('sidecar-fleet');
      expect(p.spec.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
    }
    const pdb = await until('the PDB to count both pods', () => {
      const p = JSON.parse(kubectl(kubeconfig, ['-n', RELEASE.namespace, 'get', 'pdb', 'sidecar-fleet', '-o', 'json']));
      return p.status?.currentHealthy === 2 ? p : undefined;
    });
    expect(pdb.status.disruptionsAllowed).toBe(1);
    const endpoints = JSON.parse(kubectl(kubeconfig, ['-n', RELEASE.namespace, 'get', 'endpoints', 'sidecar-fleet', '-o', 'json']));
    expect(endpoints.subsets?.[0]?.addresses).toHaveLength(2);
  });
});

describe('the image, in-cluster, as the chart service account', () => {
  it('lays out the standalone server, its static assets and nothing to build with', () => {
    expect(existsSync(path.join(app, 'server.js'))).toBe(true);
    expect(existsSync(path.join(app, '.next', 'static'))).toBe(true);
    expect(readlinkSync(path.join(app, '.next', 'cache'))).toBe('/tmp/next-cache');
    for (const dev of ['typescript', 'vitest', '@biomejs', '@playwright', 'tailwindcss', 'tsx']) {
      expect(existsSync(path.join(app, 'node_modules', dev)), dev).toBe(false);
    }
    expect(existsSync(path.join(app, 'node_modules', 'next'))).toBe(true);
  });

  it('runs as uid 1000 on a read-only root, with an empty /tmp and the service account where a pod has it', () => {
    const status = readFileSync(`/proc/${server.pid}/status`, 'utf8');
    expect(status).toMatch(/^Uid:\s+1000\s+1000\s+1000\s+1000$/m);
    const mounts = readFileSync(`/proc/${server.pid}/mountinfo`, 'utf8')
      .split('\n')
      .map((l) => l.split(' '))
      .filter((f) => f.length > 5)
      .map((f) => ({ point: f[4] as string, options: (f[5] as string).split(','), fs: f[f.indexOf('-') + 1] }));
    const at = (p: string) => mounts.filter((m) => m.point === p).pop();
    expect(at('/')?.options).toContain('ro');
    expect(at('/tmp')).toMatchObject({ fs: 'tmpfs' });
    expect(at('/tmp')?.options).toContain('rw');
    expect(at('/var/run/secrets/kubernetes.io/serviceaccount') ?? at('/run/secrets/kubernetes.io/serviceaccount')).toBeDefined();
    expect(server.lines().join('\n')).not.toMatch(/EROFS|EACCES/);
  });

  it('in token mode, refuses strangers and foreign hosts, but answers probes from any host', async () => {
    const stranger = await fetch(`${server.url}/api/c/in-cluster/overview`);
    expect(stranger.status).toBe(401);
    expect(await statusWithHost('/api/c/in-cluster/overview', 'evil.example', cookie)).toBe(421);
    // The kubelet probes with the pod's IP as Host, Prometheus scrapes the same way; neither signs in.
    for (const p of ['/healthz', '/readyz', '/metrics']) {
      expect([200, 503], p).toContain(await statusWithHost(p, '10.244.0.17:3000'));
    }
  });

  it('turns ready once its caches synced, and shows the cluster to the signed-in person', async () => {
    const ready = await until('/readyz to answer 200', async () => {
      const r = await json<{ status: string; reasons: string[]; degraded: string[] }>('/readyz');
      return r.status === 200 ? r.body : undefined;
    });
    expect(ready).toEqual({ status: 'ready', reasons: [], degraded: [] });
    const health = await json<{ status: string }>('/healthz');
    expect(health.body.status).toBe('ok');
    // The image keeps idle connections longer than a proxy in front does (Dockerfile, KEEP_ALIVE_TIMEOUT).
    expect(health.headers.get('keep-alive')).toBe('timeout=65');
    const info = await json<{ source: string; user: string; server: string; auth: unknown }>('/api/c/in-cluster/cluster');
    expect(info.body).toMatchObject({ source: 'in-cluster', user: 'admin', server: cluster.url, auth: { mode: 'token', signedIn: true } });
    const overview = await json<{ sidecarSets: Array<{ name: string }>; freshness: { live: boolean; errors: unknown[] } }>(
      '/api/c/in-cluster/overview',
    );
    expect(overview.body.freshness).toMatchObject({ live: true, errors: [] });
    expect(overview.body.sidecarSets.map((s) => s.name).sort()).toEqual(['held', 'shop']);
  });

  it('serves Prometheus metrics: cache state per resource, lists, and route latency', async () => {
    await json('/api/c/in-cluster/overview');
    const text = await metrics();
    for (const resource of [
      'pods',
      'namespaces',
      'sidecarsets',
      'deployments',
      'replicasets',
      'statefulsets',
      'daemonsets',
      'events',
      'controllerrevisions',
    ]) {
      expect(sample(text, 'sidecar_fleet_cache_synced', { cluster: 'in-cluster', resource }), resource).toBe(1);
      expect(sample(text, 'sidecar_fleet_cache_stale_seconds', { resource }), resource).toBe(0);
      expect(sample(text, 'sidecar_fleet_lists_total', { resource, result: 'ok' }), resource).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'sidecar_fleet_list_pages_total', { resource }), resource).toBeGreaterThanOrEqual(1);
    }
    expect(sample(text, 'sidecar_fleet_cache_objects', { resource: 'pods', namespace: '' })).toBeGreaterThanOrEqual(5);
    expect(
      sample(text, 'sidecar_fleet_http_request_duration_seconds_count', {
        route: '/api/c/[cluster]/overview',
        method: 'GET',
        status: '200',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'sidecar_fleet_process_resident_memory_bytes', {})).toBeGreaterThan(0);
  });

  it('logs JSON lines that carry the request id it answers with', async () => {
    const given = await json('/api/c/in-cluster/pulse', { 'X-Request-Id': 'deploy-test-1' });
    expect(given.headers.get('x-request-id')).toBe('deploy-test-1');
    const made = await json('/api/c/in-cluster/pulse', { 'X-Request-Id': 'not a sane id' });
    const generated = made.headers.get('x-request-id') as string;
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    const lines = await until('both requests in the log', () => {
      const logs = server.logs().filter((l) => l.component === 'http' && l.route === '/api/c/[cluster]/pulse');
      return logs.some((l) => l.reqId === 'deploy-test-1') && logs.some((l) => l.reqId === generated) ? logs : undefined;
    });
    // The request's lines name the signed-in person too (set by the sign-in layer, lib/log.ts).
    expect(lines.find((l) => l.reqId === 'deploy-test-1')).toMatchObject({
      level: 'debug',
      service: 'sidecar-fleet',
      method: 'GET',
      status: '200',
      user: 'admin',
    });
    // Every line the server wrote (past Next's start banner) is JSON with a level and a time.
    const banner = server.lines().findIndex((l) => l.startsWith('{'));
    for (const l of server
      .lines()
      .slice(banner)
      .filter((x) => x.trim())) {
      const parsed = JSON.parse(l);
      expect(typeof parsed.level).toBe('string');
      expect(typeof parsed.time).toBe('string');
    }
  });

  it('pauses a failing rollout as the service account and leaves the audit Event', async () => {
    breakRollout(kubeconfig, 'shop');
    await until('the guard to pause shop', () => isPaused(kubeconfig, 'shop'));
    const events = await until('its Event', () => {
      const e = sidecarSetEvents(kubeconfig, 'shop', 'RolloutGuardPaused');
      return e.length > 0 ? e : undefined;
    });
    expect(events).toHaveLength(1);
    expect(events[0]?.message).toMatch(/^Rollout guard \(.+ as serviceaccount\) paused the rollout: 1 of 1 updated pods are failing/);
    const text = await metrics();
    expect(sample(text, 'sidecar_fleet_guard_decisions_total', { decision: 'paused' })).toBe(1);
    expect(server.logs().some((l) => l.component === 'rollout-guard' && String(l.msg).startsWith('Rollout guard paused shop'))).toBe(true);
  }, 120_000);

  it('answers 503 on /readyz with the reason while it has lost the API server, and is ready again after', async () => {
    const down = cluster.restartApiServer(9_000);
    const notReady = await until(
      '/readyz to report the lost API server',
      async () => {
        const r = await json<{ reasons: string[] }>('/readyz').catch(() => undefined);
        return r?.status === 503 && r.body.reasons.some((x) => /stale for \d+ s/.test(x)) ? r.body : undefined;
      },
      30_000,
    );
    expect(notReady.reasons.find((x) => x.startsWith('pods'))).toMatch(/^pods: stale for \d+ s/);
    // Liveness is about the process, not the cluster: no restart for an outage.
    expect((await json('/healthz')).status).toBe(200);
    await down;
    await until('/readyz to answer 200 again', async () => (await json('/readyz')).status === 200, 60_000);
    const text = await metrics();
    expect(sample(text, 'sidecar_fleet_watch_restarts_total', { resource: 'pods' })).toBeGreaterThanOrEqual(1);
  }, 120_000);
});

/**
 * An admission webhook that holds the dashboard's audit Event about one SidecarSet until released:
 * a write in flight at the moment SIGTERM arrives, for as long as the test wants. (Holding the
 * pause itself would not do: Kruise updates the SidecarSet meanwhile, and the guard's conditional
 * patch then rightly loses.)
 */
async function holdingWebhook(user: string, sidecarSet: string) {
  const tls = await generateClusterTls();
  const held: Array<() => void> = [];
  let seen = 0;
  const srv: Server = createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const review = JSON.parse(body);
      const answer = () => {
        res.setHeader('Content-Type', 'application/json');
        res.end(
          JSON.stringify({
            apiVersion: 'admission.k8s.io/v1',
            kind: 'AdmissionReview',
            response: { uid: review.request.uid, allowed: true },
          }),
        );
      };
      if (review.request.userInfo?.username === user && review.request.object?.involvedObject?.name === sidecarSet) {
        seen++;
        held.push(answer);
      } else answer();
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const { port: hookPort } = srv.address() as { port: number };
  return {
    caBundle: Buffer.from(tls.caPem).toString('base64'),
    url: `https://127.0.0.1:${hookPort}/hold`,
    seen: () => seen,
    release: () => {
      for (const fn of held.splice(0)) fn();
    },
    close: () => new Promise<void>((r) => srv.close(() => r())),
  };
}

describe('graceful shutdown', () => {
  it('on SIGTERM stops taking traffic, lets a write in flight finish, closes its watches and exits 0', async () => {
    const hook = await holdingWebhook(serviceAccountUser(installed), 'held');
    try {
      kubectl(
        kubeconfig,
        ['apply', '-f', '-'],
        JSON.stringify({
          apiVersion: 'admissionregistration.k8s.io/v1',
          kind: 'ValidatingWebhookConfiguration',
          metadata: { name: 'deploy-tests-hold' },
          webhooks: [
            {
              name: 'hold.deploy-tests.sidecarfleet.io',
              clientConfig: { url: hook.url, caBundle: hook.caBundle },
              rules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['events'] }],
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'default' } },
              admissionReviewVersions: ['v1'],
              sideEffects: 'None',
              // Other components' Events in default must never wait on this test.
              failurePolicy: 'Ignore',
              timeoutSeconds: 30,
            },
          ],
        }),
      );
      // Asynchronously: the webhook answers from this process, which a synchronous kubectl would block.
      await breakRolloutAsync(kubeconfig, 'held');
      // Under a full CI run KWOK and Kruise are slow to fail the pods; on a timeout, say where it stood.
      await until('the guard to pause and send its Event (held by the webhook)', () => hook.seen() > 0, 90_000).catch((e: Error) => {
        const guardLog = server.logs().filter((l) => l.component === 'rollout-guard' || l.component === 'rollout');
        const status = kubectl(kubeconfig, ['get', 'sidecarset', 'held', '-o', 'jsonpath={.spec.updateStrategy}{" "}{.status}']);
        throw new Error(`${e.message}\nSidecarSet held: ${status}\nthe server's guard log: ${JSON.stringify(guardLog.slice(-10))}`);
      });
      expect(isPaused(kubeconfig, 'held')).toBe(true);
      server.stop('SIGTERM');
      const draining = await until('the server to start draining', () =>
        server.logs().find((l) => l.component === 'shutdown' && l.msg === 'shutting down: draining'),
      );
      expect(draining).toMatchObject({ signal: 'SIGTERM', writesInFlight: 1 });
      expect((await json('/readyz')).status).toBe(503);
      // It keeps the write in flight rather than exit: the log says so, and the process is alive.
      await until(
        'the drain delay to pass (the listener closes)',
        async () =>
          !(await fetch(`${server.url}/healthz`).then(
            () => true,
            () => false,
          )),
        15_000,
      ).catch((e: Error) => {
        // Say what the server did meanwhile: its shutdown lines.
        const lines = server.logs().filter((l) => l.component === 'shutdown' || Number(l.level) >= 40);
        throw new Error(`${e.message}\nserver log: ${JSON.stringify(lines.slice(-10))}`);
      });
      expect(sidecarSetEvents(kubeconfig, 'held', 'RolloutGuardPaused')).toEqual([]);
      expect(server.logs().some((l) => l.msg === 'shutdown complete: watches closed')).toBe(false);
      hook.release();
      const exit = await server.exited;
      expect(exit).toEqual({ code: 0, signal: null });
      const done = server.logs().find((l) => l.component === 'shutdown' && String(l.msg).startsWith('shutdown complete'));
      expect(done).toMatchObject({ msg: 'shutdown complete: watches closed', writesDone: true, requestsDone: true, cachesStopped: 1 });
      // The write it waited for landed.
      expect(sidecarSetEvents(kubeconfig, 'held', 'RolloutGuardPaused')).toHaveLength(1);
    } finally {
      hook.release();
      kubectl(kubeconfig, ['delete', 'validatingwebhookconfiguration', 'deploy-tests-hold', '--ignore-not-found']);
      await hook.close();
    }
  }, 180_000);
});
