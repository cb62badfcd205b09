/**
 * The Helm chart (charts/sidecar-fleet), rendered and linted with Helm built from its Go module
 * (tools/real-cluster/helm, cached with the control plane's binaries), and the plain manifests
 * rendered from it (deploy/manifests.yaml).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import yaml from 'js-yaml';
import { ensureBinaries } from '@/tools/real-cluster/index';
import { ROOT } from './image';

export const CHART_DIR = path.join(ROOT, 'charts', 'sidecar-fleet');
export const MANIFESTS = path.join(ROOT, 'deploy', 'manifests.yaml');

/** The values deploy/manifests.yaml is rendered with: the chart's defaults, but a Secret you create. */
export const MANIFEST_RELEASE = { name: 'sidecar-fleet', namespace: 'sidecar-fleet' };
export const MANIFEST_SET = ['auth.sessionSecret.existingSecret=sidecar-fleet-session'];

let helmPath: string | undefined;

/** The helm binary (built from tools/real-cluster/helm on first use, then cached). */
export function helm(): string {
  helmPath ??= path.join(ensureBinaries(), 'helm');
  return helmPath;
}

export interface RenderOptions {
  release?: string;
  namespace?: string;
  /** --set expressions, e.g. "auth.mode=proxy". */
  set?: string[];
  /** Values as an object (written as JSON, which is YAML). */
  values?: Record<string, unknown>;
}

export function valueArgs(opts: RenderOptions): string[] {
  const args: string[] = [];
  for (const s of opts.set ?? []) args.push('--set', s);
  for (const [k, v] of Object.entries(opts.values ?? {})) args.push('--set-json', `${k}=${JSON.stringify(v)}`);
  return args;
}

/** `helm template`: the manifests as one YAML stream. Throws with Helm's message when values are refused. */
export function renderChart(opts: RenderOptions = {}): string {
  const args = [
    'template',
    opts.release ?? 'sidecar-fleet',
    CHART_DIR,
    '--namespace',
    opts.namespace ?? 'sidecar-fleet',
    ...valueArgs(opts),
  ];
  return execFileSync(helm(), args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** `helm lint --strict`; returns its output (throws on failure). */
export function lintChart(opts: RenderOptions = {}): string {
  return execFileSync(helm(), ['lint', CHART_DIR, '--strict', ...valueArgs(opts)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** What deploy/manifests.yaml must contain: the chart rendered for the plain-manifest install. */
export function renderPlainManifests(): string {
  const body = renderChart({ release: MANIFEST_RELEASE.name, namespace: MANIFEST_RELEASE.namespace, set: MANIFEST_SET });
  return `# Sidecar Fleet, rendered from charts/sidecar-fleet by \`npm run manifests\` (do not edit: CI checks it).
# Install (README, "Install in a cluster"):
#   kubectl create namespace sidecar-fleet
#   kubectl -n sidecar-fleet create secret generic sidecar-fleet-session --from-literal=session-secret="$(openssl rand -hex 32)"
#   kubectl apply -f deploy/manifests.yaml
${body}`;
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: unknown;
}

export function parseManifests(text: string): K8sObject[] {
  return yaml.loadAll(text).filter((d): d is K8sObject => !!d && typeof d === 'object' && 'kind' in (d as object));
}

export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface Grant {
  /** Where it applies: "cluster" or a namespace. */
  scope: string;
  group: string;
  resource: string;
  verb: string;
  /** The Role or ClusterRole granting it. */
  role: string;
}

/**
 * Every (scope, group, resource, verb) the rendered RBAC grants the chart's service account,
 * following each binding to its role. Wildcards are kept as "*" (the tests refuse them).
 */
export function grantsOf(objects: K8sObject[], serviceAccount: { name: string; namespace: string }): Grant[] {
  const roles = new Map<string, PolicyRule[]>();
  for (const o of objects) {
    if (o.kind === 'ClusterRole') roles.set(`ClusterRole/${o.metadata.name}`, (o.rules as PolicyRule[]) ?? []);
    if (o.kind === 'Role') roles.set(`Role/${o.metadata.namespace}/${o.metadata.name}`, (o.rules as PolicyRule[]) ?? []);
  }
  const grants: Grant[] = [];
  for (const o of objects) {
    if (o.kind !== 'ClusterRoleBinding' && o.kind !== 'RoleBinding') continue;
    const subjects = (o.subjects as Array<{ kind: string; name: string; namespace?: string }>) ?? [];
    if (!subjects.some((s) => s.kind === 'ServiceAccount' && s.name === serviceAccount.name && s.namespace === serviceAccount.namespace))
      continue;
    const ref = o.roleRef as { kind: string; name: string };
    const key = ref.kind === 'ClusterRole' ? `ClusterRole/${ref.name}` : `Role/${o.metadata.namespace}/${ref.name}`;
    const rules = roles.get(key);
    if (!rules) throw new Error(`${o.kind} ${o.metadata.name} refers to ${key}, which the chart does not render`);
    const scope = o.kind === 'ClusterRoleBinding' ? 'cluster' : (o.metadata.namespace as string);
    for (const r of rules) {
      for (const group of r.apiGroups ?? ['']) {
        for (const resource of r.resources ?? []) {
          for (const verb of r.verbs) grants.push({ scope, group, resource, verb, role: key });
        }
      }
    }
  }
  return grants;
}
