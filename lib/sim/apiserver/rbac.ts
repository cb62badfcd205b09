/**
 * Users and a small RBAC model: each user is a bearer token plus rule lists, each rule bound
 * cluster-wide (a ClusterRoleBinding) or in some namespaces (RoleBindings). Evaluated on every
 * request and answered by SelfSubjectAccessReview / SelfSubjectRulesReview, so `kubectl auth
 * can-i` agrees with what the server enforces.
 */
import { randomBytes } from 'node:crypto';
import type { UserInfo } from '../types';

export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

/**
 * Where a rule applies. `cluster`: everywhere, cluster-scoped requests included. `namespaces`:
 * RoleBindings in those namespaces only. `exceptNamespaces`: RoleBindings in every namespace but
 * those (so cluster-wide requests such as `list pods -A` are not allowed).
 */
export type Binding = { scope: 'cluster' } | { namespaces: string[] } | { exceptNamespaces: string[] };

export interface BoundRules {
  /** The role name reported in access review reasons. */
  role: string;
  binding: Binding;
  rules: PolicyRule[];
}

export interface SimUser {
  name: string;
  groups: string[];
  token: string;
  description: string;
  roles: BoundRules[];
}

export interface RequestAttributes {
  verb: string;
  apiGroup?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  /** Non-resource request path (e.g. /version). */
  path?: string;
}

const READ = ['get', 'list', 'watch'];

/** What every authenticated user may do (system:basic-user, system:discovery, system:public-info-viewer). */
const AUTHENTICATED: BoundRules = {
  role: 'system:basic-user',
  binding: { scope: 'cluster' },
  rules: [
    { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] },
    { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'] },
    {
      verbs: ['get'],
      nonResourceURLs: [
        '/api',
        '/api/*',
        '/apis',
        '/apis/*',
        '/healthz',
        '/livez',
        '/readyz',
        '/version',
        '/version/',
        '/openapi',
        '/openapi/*',
      ],
    },
  ],
};

export function token(prefix: string): string {
  return `${prefix}-${randomBytes(16).toString('hex')}`;
}

/**
 * The built-in users. Tokens are random per start unless given (the kubeconfig carries them).
 * - admin: everything (system:masters).
 * - viewer: get/list/watch on every resource, cluster-wide.
 * - editor: viewer plus the writes the dashboard makes: SidecarSets (create/update/patch/delete),
 *   pods (patch, delete), workloads (patch/update, scale).
 * - restricted: may read and patch SidecarSets and read everything else except pods; pods are
 *   readable in every namespace but `payments` (RoleBindings elsewhere), so `list pods -A` is
 *   forbidden and the dashboard must cope with one namespace it cannot see.
 */
export function defaultUsers(tokens: Partial<Record<string, string>> = {}): SimUser[] {
  return [
    {
      name: 'admin',
      groups: ['system:masters', 'system:authenticated'],
      token: tokens.admin ?? token('admin'),
      description: 'cluster-admin: every verb on every resource',
      roles: [
        {
          role: 'cluster-admin',
          binding: { scope: 'cluster' },
          rules: [
            { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
            { verbs: ['*'], nonResourceURLs: ['*'] },
          ],
        },
      ],
    },
    {
      name: 'viewer',
      groups: ['system:authenticated'],
      token: tokens.viewer ?? token('viewer'),
      description: 'get, list, watch on every resource',
      roles: [{ role: 'sim-viewer', binding: { scope: 'cluster' }, rules: [{ verbs: READ, apiGroups: ['*'], resources: ['*'] }] }],
    },
    {
      name: 'editor',
      groups: ['system:authenticated'],
      token: tokens.editor ?? token('editor'),
      description: 'viewer + write SidecarSets, patch/delete pods, patch/scale workloads',
      roles: [
        {
          role: 'sim-editor',
          binding: { scope: 'cluster' },
          rules: [
            { verbs: READ, apiGroups: ['*'], resources: ['*'] },
            { verbs: ['create', 'update', 'patch', 'delete'], apiGroups: ['apps.kruise.io'], resources: ['sidecarsets'] },
            { verbs: ['patch', 'delete'], apiGroups: [''], resources: ['pods'] },
            {
              verbs: ['patch', 'update'],
              apiGroups: ['apps'],
              resources: ['deployments', 'statefulsets', 'daemonsets', 'deployments/scale', 'statefulsets/scale'],
            },
          ],
        },
      ],
    },
    {
      name: 'restricted',
      groups: ['system:authenticated'],
      token: tokens.restricted ?? token('restricted'),
      description: 'read and patch SidecarSets; read namespaces and workloads; pods readable in every namespace except payments',
      roles: [
        {
          role: 'sim-restricted',
          binding: { scope: 'cluster' },
          rules: [
            { verbs: [...READ, 'patch', 'update'], apiGroups: ['apps.kruise.io'], resources: ['sidecarsets'] },
            { verbs: READ, apiGroups: [''], resources: ['namespaces', 'nodes', 'events'] },
            { verbs: READ, apiGroups: ['apps'], resources: ['*'] },
          ],
        },
        {
          role: 'sim-pod-reader',
          binding: { exceptNamespaces: ['payments'] },
          rules: [{ verbs: READ, apiGroups: [''], resources: ['pods'] }],
        },
      ],
    },
  ];
}

function bindingApplies(b: Binding, namespace: string | undefined): boolean {
  if ('scope' in b) return true;
  if (namespace === undefined || namespace === '') return false;
  if ('namespaces' in b) return b.namespaces.includes(namespace);
  return !b.exceptNamespaces.includes(namespace);
}

function matchList(list: string[] | undefined, v: string): boolean {
  return !!list && (list.includes('*') || list.includes(v));
}

function ruleAllows(r: PolicyRule, a: RequestAttributes): boolean {
  if (!matchList(r.verbs, a.verb)) return false;
  if (a.path !== undefined) {
    return (r.nonResourceURLs ?? []).some((u) => u === '*' || u === a.path || (u.endsWith('*') && a.path?.startsWith(u.slice(0, -1))));
  }
  if (!r.resources) return false;
  if (!matchList(r.apiGroups, a.apiGroup ?? '')) return false;
  const res = a.subresource ? `${a.resource}/${a.subresource}` : (a.resource ?? '');
  const resOk =
    r.resources.includes('*') ||
    r.resources.includes(res) ||
    (a.subresource !== undefined && r.resources.includes(`${a.resource}/*`)) ||
    (a.subresource !== undefined && r.resources.includes(`*/${a.subresource}`));
  if (!resOk) return false;
  if (r.resourceNames && r.resourceNames.length > 0) return a.name !== undefined && r.resourceNames.includes(a.name);
  return true;
}

export class Rbac {
  readonly users: SimUser[];
  private byToken = new Map<string, SimUser>();

  constructor(users: SimUser[]) {
    this.users = users;
    for (const u of users) this.byToken.set(u.token, u);
  }

  authenticate(bearer: string | undefined): SimUser | undefined {
    return bearer ? this.byToken.get(bearer) : undefined;
  }

  /**
   * Impersonate-User / Impersonate-Group (staging/src/k8s.io/apiserver/pkg/endpoints/filters/impersonation.go):
   * the actor needs `impersonate` on users (and groups) of those names; the request then runs as
   * that user, with the roles the built-in users have by name and cluster-admin for system:masters.
   */
  impersonate(actor: SimUser, user: string, groups: string[]): { user: SimUser } | { forbidden: string } {
    const checks: Array<{ resource: string; name: string }> = [
      { resource: 'users', name: user },
      ...groups.map((g) => ({ resource: 'groups', name: g })),
    ];
    for (const c of checks) {
      if (!this.authorize(actor, { verb: 'impersonate', apiGroup: '', resource: c.resource, name: c.name }).allowed) {
        return {
          forbidden: `${c.resource} "${c.name}" is forbidden: User "${actor.name}" cannot impersonate resource "${c.resource}" in API group "" at the cluster scope`,
        };
      }
    }
    const known = this.users.find((u) => u.name === user);
    const masters = groups.includes('system:masters');
    const admin = this.users.find((u) => u.groups.includes('system:masters'));
    const roles = masters && admin ? admin.roles : (known?.roles ?? []);
    return {
      user: {
        name: user,
        groups: [...new Set([...groups, 'system:authenticated'])],
        token: '',
        description: `impersonated by ${actor.name}`,
        roles,
      },
    };
  }

  userInfo(u: SimUser): UserInfo {
    return { name: u.name, groups: u.groups };
  }

  private roles(u: SimUser): BoundRules[] {
    return [...u.roles, AUTHENTICATED];
  }

  /** Decides a request; returns the reason string the real RBAC authorizer gives when allowed. */
  authorize(u: SimUser, a: RequestAttributes): { allowed: boolean; reason: string } {
    for (const br of this.roles(u)) {
      if (a.path === undefined && !bindingApplies(br.binding, a.namespace)) continue;
      if (a.path !== undefined && !('scope' in br.binding)) continue;
      if (br.rules.some((r) => ruleAllows(r, a))) {
        const how = 'scope' in br.binding ? `ClusterRoleBinding "${br.role}"` : `RoleBinding "${br.role}/${a.namespace}"`;
        return { allowed: true, reason: `RBAC: allowed by ${how} of ClusterRole "${br.role}" to User "${u.name}"` };
      }
    }
    return { allowed: false, reason: '' };
  }

  /** The message after `<resource> is forbidden: ` in a 403. */
  forbiddenMessage(u: SimUser, a: RequestAttributes): string {
    if (a.path !== undefined) return `User "${u.name}" cannot ${a.verb} path "${a.path}"`;
    const res = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
    const where = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
    return `User "${u.name}" cannot ${a.verb} resource "${res}" in API group "${a.apiGroup ?? ''}" ${where}`;
  }

  /** The rules that apply in a namespace (SelfSubjectRulesReview). */
  rulesFor(u: SimUser, namespace: string): { resourceRules: PolicyRule[]; nonResourceRules: PolicyRule[] } {
    const resourceRules: PolicyRule[] = [];
    const nonResourceRules: PolicyRule[] = [];
    for (const br of this.roles(u)) {
      if (!bindingApplies(br.binding, namespace)) continue;
      for (const r of br.rules) {
        if (r.nonResourceURLs) nonResourceRules.push({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs });
        else {
          resourceRules.push({
            verbs: r.verbs,
            apiGroups: r.apiGroups ?? [''],
            resources: r.resources ?? [],
            ...(r.resourceNames ? { resourceNames: r.resourceNames } : {}),
          });
        }
      }
    }
    return { resourceRules, nonResourceRules };
  }
}
