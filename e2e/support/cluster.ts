import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import yaml from 'js-yaml';
import { contextFor, e2eKubeconfig, secondContextFor } from './env';

/** kubectl against the primary cluster the admin dashboard started, as its admin. */
export function kubectl(args: string[], input?: string): string {
  return kubectlAs(contextFor('admin'), args, input);
}

/** kubectl against the second (built-in demo-prod) cluster beside it, as its admin. */
export function kubectlSecond(args: string[], input?: string): string {
  return kubectlAs(secondContextFor('admin'), args, input);
}

function kubectlAs(context: string, args: string[], input?: string): string {
  return execFileSync('kubectl', ['--kubeconfig', e2eKubeconfig, '--context', context, ...args], {
    input,
    encoding: 'utf8',
    timeout: 30_000,
    // `get pods -A -o json` of a demo fleet is a few MB.
    maxBuffer: 64 * 1024 * 1024,
  });
}

export function kubectlJson<T>(args: string[]): T {
  return JSON.parse(kubectl([...args, '-o', 'json'])) as T;
}

export function applyManifest(manifest: string): string {
  return kubectl(['apply', '-f', '-'], manifest);
}

interface Kubeconfig {
  clusters: Array<{ name: string; cluster: { server: string; 'certificate-authority-data': string } }>;
  users: Array<{ name: string; user: { token?: string } }>;
}

interface KubeconfigContexts {
  contexts: Array<{ name: string; context: { cluster: string; user: string } }>;
}

/** Server, CA and admin token of the cluster behind a context of the e2e kubeconfig. */
function connection(adminContext: string): { server: string; ca: Buffer; adminToken: string } {
  const kc = yaml.load(readFileSync(e2eKubeconfig, 'utf8')) as Kubeconfig & KubeconfigContexts;
  const ctx = kc.contexts.find((c) => c.name === adminContext)?.context;
  const cluster = kc.clusters.find((c) => c.name === ctx?.cluster)?.cluster;
  const token = kc.users.find((u) => u.name === ctx?.user)?.user.token;
  if (!cluster || !token) throw new Error(`no ${adminContext} in ${e2eKubeconfig}`);
  return { server: cluster.server, ca: Buffer.from(cluster['certificate-authority-data'], 'base64'), adminToken: token };
}

/**
 * The built-in cluster's admin-only faults endpoint (lib/sim/README.md): e.g. `{ outageSeconds: 8 }`
 * fails every request for 8 s, `{ reset: true }` clears every fault. The primary cluster's, or the
 * second (built-in) cluster's with `which: 'second'`.
 */
export function setFaults(body: Record<string, unknown>, which: 'primary' | 'second' = 'primary'): Promise<unknown> {
  const { server, ca, adminToken } = connection(which === 'primary' ? contextFor('admin') : secondContextFor('admin'));
  const url = new URL('/sim/faults', server);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        ca,
        headers: {
          authorization: `Bearer ${adminToken}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => {
          if ((res.statusCode ?? 500) >= 300) reject(new Error(`faults: HTTP ${res.statusCode} ${text}`));
          else resolve(text ? JSON.parse(text) : {});
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** A short unique suffix, so a re-run against a reused server does not collide with earlier objects. */
export function runId(): string {
  return `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
}
