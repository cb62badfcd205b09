/**
 * The README's "Install in a cluster", step by step, against a cluster given by its kubeconfig:
 * render the chart, apply it (server-side dry run first), and run the dashboard as one of the
 * Deployment's pods would: the image (tools/deploy/image.ts) with the Deployment's env, the token
 * the API server issues to the chart's ServiceAccount, and the cluster's root CA.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { CHART_DIR, helm, type K8sObject, parseManifests, type RenderOptions, renderChart, valueArgs } from './chart';
import { type ImageServer, LAYOUT_ROOT, layoutImage, startImage, writeServiceAccountMount } from './image';

export function kubectl(kubeconfig: string, args: string[], input?: string): string {
  try {
    return execFileSync('kubectl', ['--kubeconfig', kubeconfig, ...args], {
      input,
      encoding: 'utf8',
      timeout: 60_000,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string; message: string };
    throw new Error(`kubectl ${args.join(' ')}: ${err.stderr || err.stdout || err.message}`);
  }
}

export interface Installed {
  release: string;
  namespace: string;
  serviceAccount: string;
  /** The rendered manifests, as applied. */
  manifest: string;
  objects: K8sObject[];
  deployment: K8sObject;
  /** What `kubectl apply --dry-run=server` printed. */
  dryRun: string;
  applied: string;
}

/**
 * Applies manifests as the README's plain-manifest install does: `kubectl apply --dry-run=server`,
 * then for real, into an existing namespace.
 */
export function applyManifests(kubeconfig: string, manifest: string, release: string, namespace: string): Installed {
  const objects = parseManifests(manifest);
  const dryRun = kubectl(kubeconfig, ['apply', '--dry-run=server', '-f', '-'], manifest);
  const applied = kubectl(kubeconfig, ['apply', '-f', '-'], manifest);
  return installed(release, namespace, manifest, objects, dryRun, applied);
}

function installed(release: string, namespace: string, manifest: string, objects: K8sObject[], dryRun: string, applied: string): Installed {
  const deployment = objects.find((o) => o.kind === 'Deployment');
  const sa = objects.find((o) => o.kind === 'ServiceAccount');
  if (!deployment || !sa) throw new Error('no Deployment or ServiceAccount among the installed objects');
  return { release, namespace, serviceAccount: sa.metadata.name, manifest, objects, deployment, dryRun, applied };
}

/** Renders the chart (`helm template`) and applies the result (server-side dry run, then for real). */
export function installChart(kubeconfig: string, opts: RenderOptions & { release: string; namespace: string }): Installed {
  try {
    kubectl(kubeconfig, ['get', 'namespace', opts.namespace]);
  } catch {
    kubectl(kubeconfig, ['create', 'namespace', opts.namespace]);
  }
  return applyManifests(kubeconfig, renderChart(opts), opts.release, opts.namespace);
}

/**
 * `helm upgrade --install --create-namespace` against the cluster, as the README's Helm install:
 * `--dry-run=server` first (Helm renders with the cluster's answers, e.g. the session Secret's
 * lookup), then for real. `dryRun` and `applied` hold Helm's output.
 */
export function helmInstall(kubeconfig: string, opts: RenderOptions & { release: string; namespace: string }): Installed {
  const args = ['upgrade', '--install', opts.release, CHART_DIR, '--namespace', opts.namespace, '--create-namespace', ...valueArgs(opts)];
  const helmRun = (more: string[]) =>
    execFileSync(helm(), [...more, '--kubeconfig', kubeconfig], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const dryRun = helmRun([...args, '--dry-run=server']);
  const applied = helmRun(args);
  const manifest = helmRun(['get', 'manifest', opts.release, '--namespace', opts.namespace]);
  return installed(opts.release, opts.namespace, manifest, parseManifests(manifest), dryRun, applied);
}

/** The ServiceAccount's user name, as the API server sees it. */
export function serviceAccountUser(i: Pick<Installed, 'namespace' | 'serviceAccount'>): string {
  return `system:serviceaccount:${i.namespace}:${i.serviceAccount}`;
}

/** A token the API server issues to the ServiceAccount (TokenRequest), as the kubelet asks for one. */
export function issueToken(kubeconfig: string, i: Pick<Installed, 'namespace' | 'serviceAccount'>, seconds = 3600): string {
  return kubectl(kubeconfig, ['-n', i.namespace, 'create', 'token', i.serviceAccount, `--duration=${seconds}s`]).trim();
}

/** The cluster's root CA as every namespace gets it (the kube-root-ca.crt ConfigMap the kubelet mounts). */
export function rootCa(kubeconfig: string, namespace: string): string {
  const out = kubectl(kubeconfig, ['-n', namespace, 'get', 'configmap', 'kube-root-ca.crt', '-o', 'jsonpath={.data.ca\\.crt}']);
  if (!out.includes('BEGIN CERTIFICATE')) throw new Error(`no kube-root-ca.crt in namespace ${namespace} yet`);
  return out;
}

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: { fieldPath: string } };
}

/** The dashboard container's env, secrets resolved as the kubelet would (read as the admin here). */
export function containerEnv(kubeconfig: string, i: Installed, podName: string): Record<string, string> {
  // The Deployment as it is in the cluster now (`kubectl set env` included), as the kubelet sees it.
  const live = JSON.parse(kubectl(kubeconfig, ['-n', i.namespace, 'get', 'deployment', i.deployment.metadata.name, '-o', 'json']));
  const spec = (live.spec as { template: { spec: { containers: Array<{ env?: EnvVar[] }> } } }).template.spec;
  const env: Record<string, string> = {};
  for (const v of spec.containers[0]?.env ?? []) {
    if (v.value !== undefined) env[v.name] = v.value;
    else if (v.valueFrom?.secretKeyRef) {
      const { name, key } = v.valueFrom.secretKeyRef;
      const b64 = kubectl(kubeconfig, ['-n', i.namespace, 'get', 'secret', name, '-o', `jsonpath={.data.${key.replace(/\./g, '\\.')}}`]);
      env[v.name] = Buffer.from(b64, 'base64').toString('utf8');
    } else if (v.valueFrom?.fieldRef) {
      env[v.name] = v.valueFrom.fieldRef.fieldPath === 'metadata.name' ? podName : i.namespace;
    }
  }
  return env;
}

export interface InClusterServerOptions {
  kubeconfig: string;
  installed: Installed;
  /** The API server's URL (https://127.0.0.1:PORT): KUBERNETES_SERVICE_HOST/PORT. */
  apiServer: string;
  port: number;
  /** A working directory of this run (layout, service account mount, log). */
  dir: string;
  /** Reuse a laid-out /app (several servers of one run). */
  app?: string;
  name?: string;
}

/** Lays the image out (unless given) and starts it as a pod of the installed Deployment. */
export async function startInClusterServer(opts: InClusterServerOptions): Promise<ImageServer> {
  const name = opts.name ?? 'dashboard';
  mkdirSync(opts.dir, { recursive: true });
  const app = opts.app ?? layoutImage(path.join(opts.dir, 'image'));
  const api = new URL(opts.apiServer);
  const podName = `${opts.installed.release}-${name}`;
  const sa = writeServiceAccountMount(path.join(opts.dir, `${name}-serviceaccount`), {
    token: issueToken(opts.kubeconfig, opts.installed),
    caPem: rootCa(opts.kubeconfig, opts.installed.namespace),
    namespace: opts.installed.namespace,
  });
  return startImage({
    app,
    serviceAccountDir: sa,
    port: opts.port,
    logFile: path.join(opts.dir, `${name}.log`),
    pod: {
      container: containerEnv(opts.kubeconfig, opts.installed, podName),
      apiHost: api.hostname,
      apiPort: Number(api.port || 443),
      podName,
    },
  });
}

/** A fresh working directory for a run, under the repository's ignored .deploy-test. */
export function runDir(label: string): string {
  const dir = path.join(LAYOUT_ROOT, `${label}-${process.pid}-${Date.now().toString(36)}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}
