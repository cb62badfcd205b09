import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { applyManifest, kubectl } from './cluster';
import { clusterKind, contextFor, e2eKubeconfig } from './env';

/**
 * A bearer token for a user of the e2e cluster, to sign in with. On the real control plane it is a
 * ServiceAccount token the API server issues (TokenRequest, as `kubectl create token` asks), for an
 * account bound like the user; the built-in cluster has no ServiceAccounts, so there it is the
 * user's own token from the kubeconfig.
 */
export function tokenFor(user: 'admin' | 'viewer' | 'editor' | 'restricted'): { token: string; name: string } {
  if (clusterKind !== 'real') {
    const kc = yaml.load(readFileSync(e2eKubeconfig, 'utf8')) as { users: Array<{ name: string; user: { token?: string } }> };
    const token = kc.users.find((u) => u.name === contextFor(user))?.user.token;
    if (!token) throw new Error(`no token for ${user} in ${e2eKubeconfig}`);
    return { token, name: user };
  }
  const sa = `e2e-${user}`;
  applyManifest(serviceAccountManifest(user, sa));
  const token = kubectl(['create', 'token', sa, '-n', 'default', '--duration=1h']).trim();
  return { token, name: `system:serviceaccount:default:${sa}` };
}

/** The ServiceAccount and the bindings that give it the user's roles (see tools/real-cluster/rbac.ts). */
function serviceAccountManifest(user: string, sa: string): string {
  const subject = [{ kind: 'ServiceAccount', name: sa, namespace: 'default' }];
  const items: unknown[] = [{ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa, namespace: 'default' } }];
  const clusterBinding = (role: string) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: `${sa}-${role}` },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
    subjects: subject,
  });
  if (user === 'admin') items.push(clusterBinding('cluster-admin'));
  else if (user === 'viewer') items.push(clusterBinding('sim-viewer'));
  else if (user === 'editor') items.push(clusterBinding('sim-editor'));
  else {
    items.push(clusterBinding('sim-restricted'));
    const namespaces = kubectl(['get', 'namespaces', '-o', 'jsonpath={.items[*].metadata.name}']).trim().split(/\s+/);
    for (const ns of namespaces.filter((n) => n !== 'payments')) {
      items.push({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: `${sa}-pods`, namespace: ns },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'sim-pod-reader' },
        subjects: subject,
      });
    }
  }
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
}
