/**
 * The real control plane on loopback: etcd, kube-apiserver (RBAC, static bearer tokens for the
 * same users as the built-in cluster, service-account keys), kube-controller-manager,
 * kube-scheduler, OpenKruise's kruise-manager outside a cluster, and KWOK playing the kubelet on
 * fake nodes. Every binary is built from the Go modules beside this file (build.sh).
 *
 * `startRealCluster()` resolves when pods can be created (Kruise's pod webhook, failurePolicy
 * Fail, answers) and the fleet is loaded through the API. It returns what `startCluster()` of the
 * built-in cluster returns, as far as a real cluster can: URL, CA, kubeconfig (contexts
 * `<prefix>-admin|viewer|editor|restricted`), tokens, stop().
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { defaultUsers, type SimUser } from '@/lib/sim/apiserver/rbac';
import { renderKubeconfig, writeKubeconfig } from '@/lib/sim/kubeconfig';
import { generateClusterTls } from '@/lib/sim/tls';
import { ApiClient, inParallel } from './api-client';
import { KRUISE_NAMESPACE, kruiseCrds, kruiseModuleDir, kruiseWebhookConfigurations } from './kruise-manifests';
import { kwokConfig } from './kwok-stages';
import { freePort, Supervisor } from './processes';
import { applyRbac, RoleBindingSync } from './rbac';

export const TOOLS_DIR = __dirname;

export interface RealClusterOptions {
  /** Working directory (certificates, etcd data, logs). Default `.real-cluster` in the repository. */
  dir?: string;
  /** Where to write the kubeconfig (default `<dir>/kubeconfig`); false writes none. */
  kubeconfigPath?: string | false;
  /** Context and cluster name prefix (default `real`): contexts `real-admin`, `real-viewer`, ... */
  contextPrefix?: string;
  /** 'empty' (default) or 'demo', loaded through the API once the cluster is up. */
  fleet?: string;
  /** Install OpenKruise (default true). Without it the cluster has no SidecarSet API. */
  kruise?: boolean;
  /** Fake nodes (default 3; the demo fleet uses 8). */
  nodes?: number;
  /** The typical delay of one kubelet step in KWOK's stages (default 400 ms, as the built-in cluster). */
  kubeletDelayMs?: number;
  /** Extra kube-apiserver flags (e.g. OIDC). */
  apiserverArgs?: string[];
  /** Fixed bearer tokens per user (random otherwise). */
  tokens?: Partial<Record<string, string>>;
  log?: (line: string) => void;
  /** Aborted while starting (Ctrl-C during a long fleet load): every process started is stopped, and the start fails. */
  signal?: AbortSignal;
}

export interface RealCluster {
  url: string;
  port: number;
  dir: string;
  kubeconfigPath?: string;
  kubeconfig: string;
  kubeconfigFor(user: string): string;
  contextPrefix: string;
  caPem: string;
  tokens: Record<string, string> & { admin: string; viewer: string };
  users: SimUser[];
  binDir: string;
  /** Seconds each phase took (build check, etcd, apiserver, kruise, kwok, fleet). */
  timings: Record<string, number>;
  /** Restarts kube-apiserver (same flags and port): for watch-recovery tests. */
  restartApiServer(downMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Builds (or finds in the cache) the upstream binaries; returns their directory. */
export function ensureBinaries(log: (line: string) => void = () => {}): string {
  const started = Date.now();
  const out = execFileSync(path.join(TOOLS_DIR, 'build.sh'), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const binDir = out.trim().split('\n').pop() as string;
  log(`[real] upstream binaries in ${binDir} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return binDir;
}

/** Thrown from an `until` condition to stop waiting at once. */
class GiveUp extends Error {}

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs: number, onTimeout: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      if (e instanceof GiveUp) throw e;
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`real cluster: timed out waiting for ${what}${last instanceof Error ? ` (${last.message})` : ''}\n${onTimeout()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

const COMPONENT_USERS = {
  // Without --use-service-account-credentials every controller acts as the manager itself, whose
  // bootstrap role alone covers only what the per-controller service accounts do not.
  'kube-controller-manager': { user: 'system:kube-controller-manager', groups: ['system:masters'] },
  'kube-scheduler': { user: 'system:kube-scheduler', groups: [] as string[] },
  // kruise-manager and KWOK run outside the cluster; they act as cluster administrators here
  // rather than through Kruise's own ClusterRole (config/rbac), which targets its in-cluster service account.
  'kruise-manager': { user: 'kruise-manager', groups: ['system:masters'] },
  kwok: { user: 'kwok-controller', groups: ['system:masters'] },
};

export async function startRealCluster(opts: RealClusterOptions = {}): Promise<RealCluster> {
  const log = opts.log ?? (() => {});
  const t0 = Date.now();
  const timings: Record<string, number> = {};
  const mark = (phase: string, since: number) => {
    timings[phase] = Math.round((Date.now() - since) / 100) / 10;
  };
  const dir = path.resolve(opts.dir ?? path.join(TOOLS_DIR, '..', '..', '.real-cluster'));
  const prefix = opts.contextPrefix ?? 'real';
  const supervisor = new Supervisor(dir, log);
  mkdirSync(dir, { recursive: true });
  supervisor.reapLeftovers();
  const onAbort = () => void supervisor.stopAll();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  for (const sub of ['etcd', 'pki', 'logs', 'kruise-certs', 'kubeconfigs']) rmSync(path.join(dir, sub), { recursive: true, force: true });
  for (const sub of ['pki', 'logs', 'kruise-certs', 'kubeconfigs']) mkdirSync(path.join(dir, sub), { recursive: true });

  let phase = Date.now();
  const binDir = ensureBinaries(log);
  const bin = (name: string) => path.join(binDir, name);
  mark('binaries', phase);

  // Certificates and keys: one CA for the API server's serving certificate, an RSA key pair for
  // service-account tokens.
  const [tls, ports] = await Promise.all([
    generateClusterTls(),
    Promise.all([freePort(), freePort(), freePort(), freePort(), freePort(), freePort()]),
  ]);
  const [etcdPort, etcdPeerPort, apiPort, webhookPort, kruiseMetricsPort, kruiseHealthPort] = ports as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const pki = (f: string) => path.join(dir, 'pki', f);
  writeFileSync(pki('ca.crt'), tls.caPem);
  writeFileSync(pki('apiserver.crt'), tls.certPem);
  writeFileSync(pki('apiserver.key'), tls.keyPem, { mode: 0o600 });
  const sa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(pki('sa.key'), sa.privateKey.export({ type: 'pkcs1', format: 'pem' }), { mode: 0o600 });
  writeFileSync(pki('sa.pub'), sa.publicKey.export({ type: 'spki', format: 'pem' }));

  // Static bearer tokens: the built-in cluster's users (same names and groups) and the components.
  const users = defaultUsers(opts.tokens);
  const componentTokens = Object.fromEntries(Object.keys(COMPONENT_USERS).map((c) => [c, randomBytes(24).toString('hex')]));
  const csv = [
    ...users.map((u) => `${u.token},${u.name},${u.name},"${u.groups.filter((g) => g !== 'system:authenticated').join(',')}"`),
    ...Object.entries(COMPONENT_USERS).map(([c, u]) => `${componentTokens[c]},${u.user},${u.user},"${u.groups.join(',')}"`),
  ];
  writeFileSync(pki('tokens.csv'), `${csv.join('\n')}\n`, { mode: 0o600 });

  const url = `https://127.0.0.1:${apiPort}`;
  const tokens = Object.fromEntries(users.map((u) => [u.name, u.token])) as RealCluster['tokens'];
  const componentKubeconfig = (component: string): string => {
    const p = path.join(dir, 'kubeconfigs', `${component}.yaml`);
    writeFileSync(
      p,
      renderKubeconfig({
        server: url,
        caPem: tls.caPem,
        tokens: { [component]: componentTokens[component] as string },
        currentUser: component,
        clusterName: prefix,
        contextPrefix: prefix,
      }),
      { mode: 0o600 },
    );
    return p;
  };

  const fail = async (e: unknown): Promise<never> => {
    await supervisor.stopAll();
    throw e;
  };

  try {
    // etcd ----------------------------------------------------------------------------------------
    phase = Date.now();
    supervisor.start('etcd', bin('etcd'), [
      '--name=real-cluster',
      `--data-dir=${path.join(dir, 'etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${etcdPort}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdPort}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
      `--initial-cluster=real-cluster=http://127.0.0.1:${etcdPeerPort}`,
      // A throwaway test cluster: durability is not worth an fsync per write on a shared disk.
      '--unsafe-no-fsync',
      '--quota-backend-bytes=8589934592',
      '--log-level=warn',
    ]);
    await until(
      'etcd',
      async () => (await fetch(`http://127.0.0.1:${etcdPort}/health`)).ok,
      30_000,
      () => supervisor.tail('etcd'),
    );
    mark('etcd', phase);

    // kube-apiserver ------------------------------------------------------------------------------
    phase = Date.now();
    const apiserverArgs = [
      `--etcd-servers=http://127.0.0.1:${etcdPort}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      `--tls-cert-file=${pki('apiserver.crt')}`,
      `--tls-private-key-file=${pki('apiserver.key')}`,
      `--client-ca-file=${pki('ca.crt')}`,
      `--token-auth-file=${pki('tokens.csv')}`,
      '--authorization-mode=RBAC',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${pki('sa.pub')}`,
      `--service-account-signing-key-file=${pki('sa.key')}`,
      '--service-cluster-ip-range=10.96.0.0/16',
      '--allow-privileged=true',
      // The ServiceAccount admission plugin mounts a token volume into every pod and refuses pods
      // until the namespace's default account exists. Neither matters to fake pods, and both would
      // make the pods differ from the built-in cluster's in ways unrelated to Kruise.
      '--disable-admission-plugins=ServiceAccount',
      // The `kubernetes` Service's endpoints may not be a loopback address.
      '--endpoint-reconciler-type=none',
      `--cert-dir=${path.join(dir, 'pki')}`,
      '--profiling=false',
      ...(opts.apiserverArgs ?? []),
    ];
    const startApiServer = () => supervisor.start('kube-apiserver', bin('kube-apiserver'), apiserverArgs);
    startApiServer();
    const admin = new ApiClient(url, tls.caPem, tokens.admin);
    const apiReady = () =>
      until(
        'kube-apiserver /readyz',
        async () => (await admin.raw('GET', '/readyz')).status === 200,
        90_000,
        () => supervisor.tail('kube-apiserver'),
      );
    await apiReady();
    mark('apiserver', phase);

    phase = Date.now();
    supervisor.start('kube-controller-manager', bin('kube-controller-manager'), [
      `--kubeconfig=${componentKubeconfig('kube-controller-manager')}`,
      '--leader-elect=false',
      '--secure-port=0',
      `--service-account-private-key-file=${pki('sa.key')}`,
      `--root-ca-file=${pki('ca.crt')}`,
      '--use-service-account-credentials=false',
      // client-go's default 20 requests/s would take two hours to create a 150,000-pod fleet (npm run bench).
      '--kube-api-qps=1000',
      '--kube-api-burst=2000',
      // No cloud, no IPAM: KWOK assigns pod addresses.
      '--controllers=*,-nodeipam,-service-lb-controller,-cloud-node-lifecycle,-persistentvolume-binder,-attachdetach,-persistentvolume-expander,-ephemeral-volume,-pv-protection,-pvc-protection',
    ]);
    supervisor.start('kube-scheduler', bin('kube-scheduler'), [
      `--kubeconfig=${componentKubeconfig('kube-scheduler')}`,
      '--leader-elect=false',
      '--secure-port=0',
      // Binding is one request per pod: the default 50/s is too slow for a 150,000-pod bench fleet.
      '--kube-api-qps=1000',
      '--kube-api-burst=2000',
    ]);
    for (const name of ['kube-system', 'kube-public', 'kube-node-lease', 'default'])
      await admin.ensureNamespace(name, name === 'kube-system' ? { 'control-plane': 'true' } : {});
    mark('controllers', phase);

    // OpenKruise ------------------------------------------------------------------------------------
    if (opts.kruise !== false) {
      phase = Date.now();
      const moduleDir = kruiseModuleDir(TOOLS_DIR);
      await admin.ensureNamespace(KRUISE_NAMESPACE, { 'control-plane': 'controller-manager' });
      const crds = kruiseCrds(moduleDir);
      for (const crd of crds) await admin.apply('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd);
      // kruise-manager registers field indexes on its CRDs as it starts and exits when one is not
      // served yet ("failed to register field index ... ImagePullJob"): wait until all are Established.
      await until(
        'the Kruise CRDs to be established',
        async () => {
          for (const crd of crds) {
            const cur = await admin.get(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata?.name}`);
            const conditions = (cur.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions ?? [];
            if (!conditions.some((c) => c.type === 'Established' && c.status === 'True')) return false;
          }
          return true;
        },
        60_000,
        () => '',
      );
      for (const cfg of kruiseWebhookConfigurations(moduleDir)) {
        const plural = cfg.kind === 'MutatingWebhookConfiguration' ? 'mutatingwebhookconfigurations' : 'validatingwebhookconfigurations';
        await admin.apply(`/apis/admissionregistration.k8s.io/v1/${plural}`, cfg);
      }
      const startKruise = () =>
        supervisor.start(
          'kruise-manager',
          bin('kruise'),
          [
            `--kubeconfig=${componentKubeconfig('kruise-manager')}`,
            '--enable-leader-election=false',
            '--enable-pprof=false',
            `--metrics-addr=127.0.0.1:${kruiseMetricsPort}`,
            `--health-probe-addr=127.0.0.1:${kruiseHealthPort}`,
            '--feature-gates=KruiseDaemon=false',
            '--v=2',
          ],
          {
            WEBHOOK_HOST: '127.0.0.1',
            WEBHOOK_PORT: String(webhookPort),
            WEBHOOK_CERT_DIR: path.join(dir, 'kruise-certs'),
            POD_NAMESPACE: KRUISE_NAMESPACE,
          },
        );
      startKruise();
      let kruiseStarts = 1;
      await until(
        'kruise-manager to serve its webhooks',
        async () => {
          if (!supervisor.alive('kruise-manager')) {
            // Exited while starting (a race with discovery we could not rule out): start it once
            // more rather than wait out the timeout; a second exit is an error with its log.
            if (kruiseStarts >= 2)
              throw new GiveUp(`real cluster: kruise-manager exited twice while starting:\n${supervisor.tail('kruise-manager')}`);
            await supervisor.stop('kruise-manager');
            startKruise();
            kruiseStarts++;
            return false;
          }
          const ready = await fetch(`http://127.0.0.1:${kruiseHealthPort}/readyz`).then((r) => r.ok);
          if (!ready) return false;
          // The mutating pod webhook must point at the local server before any pod is created.
          const cfg = await admin.get(
            '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/kruise-mutating-webhook-configuration',
          );
          const hooks = (cfg.webhooks ?? []) as Array<{ name: string; clientConfig?: { url?: string; caBundle?: string } }>;
          const pod = hooks.find((h) => h.name === 'mpod.kb.io');
          return !!pod?.clientConfig?.url?.includes(`:${webhookPort}/`) && !!pod.clientConfig.caBundle;
        },
        120_000,
        () => supervisor.tail('kruise-manager'),
      );
      mark('kruise', phase);
    }

    // KWOK and fake nodes ---------------------------------------------------------------------------
    phase = Date.now();
    const kwokModuleDir = execFileSync('go', ['list', '-m', '-f', '{{.Dir}}', 'sigs.k8s.io/kwok'], {
      cwd: path.join(TOOLS_DIR, 'kwok'),
      env: { ...process.env, GOFLAGS: '-mod=readonly', GOSUMDB: 'off' },
      encoding: 'utf8',
    }).trim();
    const kwokConfigPath = path.join(dir, 'kwok.yaml');
    writeFileSync(kwokConfigPath, kwokConfig({ baseDelayMs: opts.kubeletDelayMs ?? 400, kwokModuleDir }));
    supervisor.start('kwok', bin('kwok'), [
      `--kubeconfig=${componentKubeconfig('kwok')}`,
      `--config=${kwokConfigPath}`,
      '--manage-all-nodes=false',
      '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
      '--node-lease-duration-seconds=40',
      '--cidr=10.244.0.0/16',
      '--node-ip=172.18.0.2',
    ]);
    const scalePods = /^scale:(\d+)$/.exec(opts.fleet ?? '')?.[1];
    // The scale fleet: 30 pods per node, as Kubernetes' documented limits (150,000 pods on 5,000 nodes).
    const nodes = opts.nodes ?? (opts.fleet === 'demo' ? 8 : scalePods ? Math.max(3, Math.ceil(Number(scalePods) / 30)) : 3);
    await inParallel(nodes, 16, (i) => admin.apply('/api/v1/nodes', fakeNode(i)));
    await until(
      `${nodes} Ready nodes`,
      async () => {
        const list = await admin.get('/api/v1/nodes?resourceVersion=0');
        const ready = (list.items as Array<{ status?: { conditions?: Array<{ type: string; status: string }> } }>).filter((n) =>
          n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
        );
        return ready.length >= nodes;
      },
      60_000 + nodes * 20,
      () => supervisor.tail('kwok'),
    );
    mark('kwok', phase);

    // Users' RBAC, as the built-in cluster's rules (lib/sim/apiserver/rbac.ts) ---------------------
    phase = Date.now();
    await applyRbac(admin, users);
    const roleBindingSync = new RoleBindingSync(admin, users, log);
    await roleBindingSync.start();
    mark('rbac', phase);

    // Kubeconfig and fleet -----------------------------------------------------------------------
    const kubeconfigFor = (user: string) =>
      renderKubeconfig({ server: url, caPem: tls.caPem, tokens, currentUser: user, clusterName: prefix, contextPrefix: prefix });
    const kubeconfig = kubeconfigFor('admin');
    let kubeconfigPath: string | undefined;
    if (opts.kubeconfigPath !== false) {
      kubeconfigPath = path.resolve(opts.kubeconfigPath ?? path.join(dir, 'kubeconfig'));
      writeKubeconfig(kubeconfigPath, kubeconfig);
    }

    if (opts.fleet && opts.fleet !== 'empty') {
      phase = Date.now();
      const { loadFleetOverApi } = await import('./fleet');
      await loadFleetOverApi(admin, opts.fleet, { log, nodes });
      mark('fleet', phase);
    }
    opts.signal?.removeEventListener('abort', onAbort);
    log(`[real] control plane ${url} ready in ${((Date.now() - t0) / 1000).toFixed(1)} s (${JSON.stringify(timings)})`);

    let stopped = false;
    const cluster: RealCluster = {
      url,
      port: apiPort,
      dir,
      kubeconfigPath,
      kubeconfig,
      kubeconfigFor,
      contextPrefix: prefix,
      caPem: tls.caPem,
      tokens,
      users,
      binDir,
      timings,
      async restartApiServer(downMs = 0) {
        await supervisor.stop('kube-apiserver');
        if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
        startApiServer();
        await apiReady();
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        roleBindingSync.stop();
        await supervisor.stopAll();
      },
    };
    return cluster;
  } catch (e) {
    return fail(e);
  }
}

function nodeCidr(i: number): string {
  return `10.${64 + (i >> 8)}.${i & 255}.0/24`;
}

/** One fake node, managed by KWOK. */
export function fakeNode(i: number): Record<string, unknown> {
  const name = `kwok-node-${i + 1}`;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'topology.kubernetes.io/zone': `zone-${String.fromCharCode(97 + (i % 3))}`,
        type: 'kwok',
      },
    },
    // One /24 per node (KWOK assigns pod IPs from it): 10.64.0.0/24, 10.64.1.0/24, ... for up to 16,384 nodes.
    spec: { podCIDR: nodeCidr(i), podCIDRs: [nodeCidr(i)] },
    status: {
      allocatable: { cpu: '16', memory: '64Gi', pods: '5000' },
      capacity: { cpu: '16', memory: '64Gi', pods: '5000' },
    },
  };
}

export function removeState(dir: string): void {
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
}
