/**
 * The built-in cluster: a Kubernetes API server over HTTPS on loopback, with an in-memory store,
 * the Kruise emulation, a workload controller and a kubelet stand-in. `startCluster()` is the
 * only entry point (the CLI, `npm start` and the tests use it); the dashboard talks to the result
 * over HTTP with the kubeconfig it writes, exactly as it talks to a real cluster.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { builtinSchemas } from './apiserver/builtin-schemas';
import type { Faults, FaultsRequest } from './apiserver/faults';
import { OpenApi } from './apiserver/openapi';
import { defaultUsers, Rbac, type SimUser } from './apiserver/rbac';
import { defaultResources, Registry, sidecarSetCrd } from './apiserver/resources';
import { ApiServer } from './apiserver/server';
import { MemStore } from './apiserver/store';
import { type KubeletOptions, KubeletController } from './controllers/kubelet';
import { WorkloadController } from './controllers/workloads';
import { seedFleet } from './fleets';
import { type KruiseOptions, kruiseEmulation } from './kruise';
import { renderKubeconfig, writeKubeconfig } from './kubeconfig';
import { generateClusterTls } from './tls';
import type { KObject, SimController } from './types';

export interface StartClusterOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Loopback by default. */
  host?: string;
  /** 'empty' (default), 'demo' or 'scale:N'. */
  fleet?: string;
  /** Name of the cluster entry in the kubeconfig (default `sidecar-fleet-sim`); unique per cluster, so kubeconfigs merge. */
  clusterName?: string;
  /** Prefix of the kubeconfig's context and user names (default `sim`: contexts `sim-admin`, `sim-viewer`…). */
  contextPrefix?: string;
  /** Where to write the kubeconfig; default `.sim/kubeconfig`; false writes none. */
  kubeconfigPath?: string | false;
  /** Load state from this file at start (if it exists) and save it on stop(). */
  statePath?: string;
  /** Base kubelet delay in ms (pull, start, ready steps are jittered around it). Default 400. */
  kubeletDelayMs?: number;
  /** Finer kubelet settings (see controllers/kubelet.ts). */
  kubelet?: Partial<KubeletOptions>;
  /** Number of simulated nodes (default 3; scale fleets add more). */
  nodes?: number;
  /** Watch history length in events (older resourceVersions answer 410). Default 20,000. */
  historySize?: number;
  /** BOOKMARK interval for watches that allow bookmarks. Default 5,000 ms. */
  bookmarkIntervalMs?: number;
  /** Faults active from the start. */
  faults?: Faults;
  /** Fixed tokens per user (random otherwise). */
  tokens?: Partial<Record<string, string>>;
  /** Register the Kruise emulation (admission, conversion, SidecarSet controller), with options (delays, seed). Default true. */
  /** Serve the SidecarSet CRD (default true). False, with `kruise: false`: a cluster without OpenKruise. */
  kruiseCrd?: boolean;
  kruise?: boolean | KruiseOptions;
  /** Progress lines (the CLI prints them). */
  log?: (line: string) => void;
}

export interface Cluster {
  url: string;
  port: number;
  kubeconfigPath?: string;
  /** The kubeconfig text (contexts <prefix>-admin (current), -viewer, -editor, -restricted; prefix `sim` by default). */
  kubeconfig: string;
  /** The prefix of its context names. */
  contextPrefix: string;
  /** Renders a kubeconfig whose current context is the given user. */
  kubeconfigFor(user: string): string;
  caPem: string;
  tokens: Record<string, string> & { admin: string; viewer: string };
  users: SimUser[];
  store: MemStore;
  server: ApiServer;
  setFaults(f: FaultsRequest): Faults;
  getFaults(): Faults;
  /** Saves state (when statePath is set), stops controllers and the server. */
  stop(): Promise<void>;
}

export async function startCluster(opts: StartClusterOptions = {}): Promise<Cluster> {
  const log = opts.log ?? (() => {});
  const t0 = Date.now();
  const registry = new Registry(defaultResources({ kruise: opts.kruiseCrd !== false }));
  const schemas = builtinSchemas();
  const store = new MemStore({ registry, historySize: opts.historySize, builtinSchemas: schemas });
  const kruise =
    opts.kruise === false
      ? { admission: [], converters: {}, controllers: [] }
      : kruiseEmulation(typeof opts.kruise === 'object' ? opts.kruise : {});
  store.addAdmission(kruise.admission);
  store.addConverters(kruise.converters);

  const users = defaultUsers(opts.tokens);
  const rbac = new Rbac(users);
  const openapi = new OpenApi(registry, schemas);
  const host = opts.host ?? '127.0.0.1';
  let port = 0;
  const api = new ApiServer({
    store,
    rbac,
    openapi,
    serverAddress: () => `${host}:${port}`,
    bookmarkIntervalMs: opts.bookmarkIntervalMs,
    faults: opts.faults,
    log,
  });

  const tls = await generateClusterTls(host === '127.0.0.1' || host === 'localhost' ? [] : [host]);
  const server: Server = createServer({ key: tls.keyPem, cert: tls.certPem, keepAliveTimeout: 30_000 }, api.handle);
  server.headersTimeout = 60_000;
  server.requestTimeout = 0;
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', rej);
      res();
    });
  });
  port = (server.address() as AddressInfo).port;
  const url = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;

  // State: restored before anything else writes.
  const restored = opts.statePath && existsSync(opts.statePath);
  if (restored && opts.statePath) {
    const snap = JSON.parse(readFileSync(opts.statePath, 'utf8'));
    store.restore(snap);
    log(`[sim] restored ${snap.objects.length} objects from ${opts.statePath}`);
  } else {
    bootstrap(store, opts.kruiseCrd !== false);
  }

  const kubelet = new KubeletController({ baseDelayMs: opts.kubeletDelayMs ?? 400, ...opts.kubelet });
  const controllers: SimController[] = [new WorkloadController(), kubelet, ...kruise.controllers];
  for (const c of controllers) c.start(store);

  // The kubeconfig is written as soon as the server answers, so the fleet can be watched arriving.
  const tokens = Object.fromEntries(users.map((u) => [u.name, u.token])) as Cluster['tokens'];
  const contextPrefix = opts.contextPrefix ?? 'sim';
  const kubeconfigFor = (user: string) =>
    renderKubeconfig({ server: url, caPem: tls.caPem, tokens, currentUser: user, clusterName: opts.clusterName, contextPrefix });
  const kubeconfig = kubeconfigFor('admin');
  let kubeconfigPath: string | undefined;
  if (opts.kubeconfigPath !== false) {
    kubeconfigPath = resolve(opts.kubeconfigPath ?? '.sim/kubeconfig');
    writeKubeconfig(kubeconfigPath, kubeconfig);
  }

  if (!restored) {
    try {
      await seedFleet(store, opts.fleet ?? 'empty', { nodes: opts.nodes, kubelet, log, kruise: opts.kruise !== false });
    } catch (e) {
      for (const c of controllers) c.stop();
      api.close();
      server.closeAllConnections();
      server.close();
      throw e;
    }
  }
  log(`[sim] API server ${url} ready in ${Date.now() - t0} ms (fleet ${opts.fleet ?? 'empty'}: ${store.count('pods')} pods)`);

  let stopped = false;
  return {
    url,
    port,
    kubeconfigPath,
    kubeconfig,
    contextPrefix,
    kubeconfigFor,
    caPem: tls.caPem,
    tokens,
    users,
    store,
    server: api,
    setFaults: (f) => api.setFaults(f),
    getFaults: () => api.getFaults(),
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const c of controllers) c.stop();
      if (opts.statePath) {
        writeFileSync(opts.statePath, JSON.stringify(store.snapshot()));
        log(`[sim] saved state to ${opts.statePath}`);
      }
      api.close();
      server.closeAllConnections();
      await new Promise<void>((res) => server.close(() => res()));
    },
  };
}

/** What every cluster has before any fleet: system namespaces and (with Kruise) the SidecarSet CRD object. */
function bootstrap(store: MemStore, kruise: boolean): void {
  for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'kruise-system']) {
    // Kruise's pod webhook skips namespaces labelled control-plane: its own, like kube-system.
    const labels: Record<string, string> =
      name === 'kube-system' ? { 'control-plane': 'true' } : name === 'kruise-system' ? { 'control-plane': 'controller-manager' } : {};
    store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
  }
  if (!kruise) return;
  const crd = sidecarSetCrd() as KObject;
  const names = (crd.spec as { names: Record<string, unknown> }).names;
  store.create(
    'apiextensions.k8s.io/customresourcedefinitions',
    {
      ...crd,
      status: {
        acceptedNames: names,
        conditions: [
          {
            type: 'NamesAccepted',
            status: 'True',
            reason: 'NoConflicts',
            message: 'no conflicts found',
            lastTransitionTime: new Date().toISOString(),
          },
          {
            type: 'Established',
            status: 'True',
            reason: 'InitialNamesAccepted',
            message: 'the initial names have been accepted',
            lastTransitionTime: new Date().toISOString(),
          },
        ],
        storedVersions: ['v1beta1'],
      },
    },
    { keepStatus: true },
  );
}

export type { Faults, FaultsRequest } from './apiserver/faults';
export type { MemStore } from './apiserver/store';
