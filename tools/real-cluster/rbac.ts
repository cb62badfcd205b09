/**
 * The built-in cluster's users (lib/sim/apiserver/rbac.ts `defaultUsers()`) as real RBAC objects:
 * each role a ClusterRole; a cluster-wide binding a ClusterRoleBinding; a binding to some
 * namespaces RoleBindings there. A binding to "every namespace but these" has no RBAC equivalent,
 * so RoleBindingSync keeps one RoleBinding in each other namespace, including ones created later.
 * The admin is in system:masters, which needs no binding.
 */
import type { SimUser } from '@/lib/sim/apiserver/rbac';
import { type ApiClient, ApiError } from './api-client';

const RBAC = '/apis/rbac.authorization.k8s.io/v1';
const MANAGED = { 'app.kubernetes.io/managed-by': 'sidecar-fleet-real-cluster' };

function roleRules(rules: SimUser['roles'][number]['rules']): unknown[] {
  return rules.map((r) =>
    r.nonResourceURLs
      ? { verbs: r.verbs, nonResourceURLs: r.nonResourceURLs }
      : {
          verbs: r.verbs,
          apiGroups: r.apiGroups ?? [''],
          resources: r.resources ?? [],
          ...(r.resourceNames ? { resourceNames: r.resourceNames } : {}),
        },
  );
}

function bindingName(role: string, user: string): string {
  return `${role}--${user}`;
}

export async function applyRbac(api: ApiClient, users: SimUser[]): Promise<void> {
  for (const u of users) {
    if (u.groups.includes('system:masters')) continue;
    for (const r of u.roles) {
      await api.apply(`${RBAC}/clusterroles`, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: r.role, labels: MANAGED },
        rules: roleRules(r.rules),
      });
      const subjects = [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: u.name }];
      const roleRef = { kind: 'ClusterRole', apiGroup: 'rbac.authorization.k8s.io', name: r.role };
      if ('scope' in r.binding) {
        await api.apply(`${RBAC}/clusterrolebindings`, {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRoleBinding',
          metadata: { name: bindingName(r.role, u.name), labels: MANAGED },
          roleRef,
          subjects,
        });
      } else if ('namespaces' in r.binding) {
        for (const ns of r.binding.namespaces) await roleBinding(api, ns, r.role, u.name);
      }
    }
  }
}

async function roleBinding(api: ApiClient, namespace: string, role: string, user: string): Promise<void> {
  try {
    await api.create(`${RBAC}/namespaces/${namespace}/rolebindings`, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: bindingName(role, user), namespace, labels: MANAGED },
      roleRef: { kind: 'ClusterRole', apiGroup: 'rbac.authorization.k8s.io', name: role },
      subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: user }],
    });
  } catch (e) {
    // 409: already there; 404/403 with a terminating namespace: nothing to bind.
    if (!(e instanceof ApiError && [403, 404, 409].includes(e.status))) throw e;
  }
}

/** Keeps the "every namespace but …" RoleBindings in every namespace, polling the namespace list. */
export class RoleBindingSync {
  private timer?: NodeJS.Timeout;
  private seen = new Set<string>();

  constructor(
    private readonly api: ApiClient,
    private readonly users: SimUser[],
    private readonly log: (line: string) => void,
    private readonly intervalMs = 1000,
  ) {}

  private get excepting(): Array<{ user: string; role: string; except: string[] }> {
    return this.users.flatMap((u) =>
      u.roles.flatMap((r) => ('exceptNamespaces' in r.binding ? [{ user: u.name, role: r.role, except: r.binding.exceptNamespaces }] : [])),
    );
  }

  /** Binds in every namespace that exists now; resolves when done. */
  async syncNow(): Promise<void> {
    const list = await this.api.get('/api/v1/namespaces');
    const names = (list.items as Array<{ metadata: { name: string }; status?: { phase?: string } }>)
      .filter((n) => n.status?.phase !== 'Terminating')
      .map((n) => n.metadata.name);
    for (const ns of names) {
      if (this.seen.has(ns)) continue;
      for (const b of this.excepting) if (!b.except.includes(ns)) await roleBinding(this.api, ns, b.role, b.user);
      this.seen.add(ns);
    }
    for (const ns of [...this.seen]) if (!names.includes(ns)) this.seen.delete(ns);
  }

  async start(): Promise<void> {
    if (this.excepting.length === 0) return;
    await this.syncNow();
    const tick = () => {
      void this.syncNow()
        .catch((e) => this.log(`[real] role binding sync: ${(e as Error).message}`))
        .finally(() => {
          if (this.timer) {
            this.timer = setTimeout(tick, this.intervalMs);
            this.timer.unref();
          }
        });
    };
    this.timer = setTimeout(tick, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
