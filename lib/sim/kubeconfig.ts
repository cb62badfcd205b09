/** Writes the kubeconfig for the built-in cluster: the CA inline, one context per simulated user. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import yaml from 'js-yaml';

export interface KubeconfigInput {
  server: string;
  caPem: string;
  /** user name → bearer token; a context `<contextPrefix>-<user>` is written for each. */
  tokens: Record<string, string>;
  currentUser?: string;
  clusterName?: string;
  /** Prefix of context and user entry names (default `sim`), so kubeconfigs of several clusters merge. */
  contextPrefix?: string;
}

export function renderKubeconfig(k: KubeconfigInput): string {
  const cluster = k.clusterName ?? 'sidecar-fleet-sim';
  const users = Object.keys(k.tokens);
  const current = k.currentUser ?? 'admin';
  const prefix = k.contextPrefix ?? 'sim';
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    'current-context': `${prefix}-${current}`,
    clusters: [
      {
        name: cluster,
        cluster: { server: k.server, 'certificate-authority-data': Buffer.from(k.caPem).toString('base64') },
      },
    ],
    contexts: users.map((u) => ({ name: `${prefix}-${u}`, context: { cluster, user: `${prefix}-${u}`, namespace: 'default' } })),
    users: users.map((u) => ({ name: `${prefix}-${u}`, user: { token: k.tokens[u] } })),
  };
  return yaml.dump(doc, { lineWidth: -1 });
}

export function writeKubeconfig(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content, { mode: 0o600 });
}

interface KubeconfigDoc {
  'current-context'?: string;
  clusters?: Array<{ name: string }>;
  contexts?: Array<{ name: string }>;
  users?: Array<{ name: string }>;
  [key: string]: unknown;
}

/**
 * One kubeconfig holding every cluster of several (the way kubectl merges KUBECONFIG: the first
 * file's current-context wins, and the first entry of a name wins). Several built-in clusters
 * get distinct cluster names and context prefixes, so nothing is shadowed.
 */
export function mergeKubeconfigs(texts: string[]): string {
  const docs = texts.map((t) => (yaml.load(t) ?? {}) as KubeconfigDoc);
  const pick = <K extends 'clusters' | 'contexts' | 'users'>(key: K) => {
    const seen = new Set<string>();
    const out: Array<{ name: string }> = [];
    for (const d of docs) {
      for (const entry of d[key] ?? []) {
        if (seen.has(entry.name)) continue;
        seen.add(entry.name);
        out.push(entry);
      }
    }
    return out;
  };
  const merged = {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    'current-context': docs.find((d) => d['current-context'])?.['current-context'] ?? '',
    clusters: pick('clusters'),
    contexts: pick('contexts'),
    users: pick('users'),
  };
  return yaml.dump(merged, { lineWidth: -1 });
}
