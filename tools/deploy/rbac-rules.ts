/**
 * Every permission the chart grants its ServiceAccount, with the feature it serves: the list the
 * tests hold the rendered chart and the real API server's answers to (`kubectl auth can-i`), and
 * the README's table. Derived from what lib/k8s calls: list+watch per cached resource
 * (lib/k8s/cache.ts), the SidecarSet patch (rollout-writes.ts, guard.ts), the audit Event
 * (rollout-writes.ts), and, for proxy sign-in, impersonation. SelfSubjectAccessReviews and API
 * discovery are granted to every authenticated user (system:basic-user, system:discovery).
 */

export interface ExpectedRule {
  /** "cluster", "kruise" (the Kruise namespace) or a namespace name. */
  scope: 'cluster' | 'kruise' | 'default';
  group: string;
  resource: string;
  verbs: string[];
  /** Granted only with the rollout guard on (the default) or in proxy sign-in mode. */
  when?: 'guard' | 'proxy';
  /** What the dashboard does with it. */
  feature: string;
}

export const EXPECTED_RULES: ExpectedRule[] = [
  {
    scope: 'cluster',
    group: 'apps.kruise.io',
    resource: 'sidecarsets',
    verbs: ['list', 'watch'],
    feature: 'the overview and each SidecarSet page (versions, rollout state and why); the rollout guard watches them',
  },
  {
    scope: 'cluster',
    group: '',
    resource: 'pods',
    verbs: ['list', 'watch'],
    feature: 'which pods run which sidecar version, their health, per workload and per pod',
  },
  {
    scope: 'cluster',
    group: '',
    resource: 'namespaces',
    verbs: ['list', 'watch'],
    feature: "SidecarSets' namespace selectors, the namespace filter, and the per-namespace fallback when a list is refused",
  },
  {
    scope: 'cluster',
    group: 'apps',
    resource: 'deployments',
    verbs: ['list', 'watch'],
    feature: 'pods grouped under their Deployment (the workloads view)',
  },
  {
    scope: 'cluster',
    group: 'apps',
    resource: 'replicasets',
    verbs: ['list', 'watch'],
    feature: "the link from a Deployment's pods to their Deployment (pods are owned by ReplicaSets)",
  },
  {
    scope: 'cluster',
    group: 'apps',
    resource: 'statefulsets',
    verbs: ['list', 'watch'],
    feature: 'pods grouped under their StatefulSet',
  },
  {
    scope: 'cluster',
    group: 'apps',
    resource: 'daemonsets',
    verbs: ['list', 'watch'],
    feature: 'pods grouped under their DaemonSet',
  },
  {
    scope: 'cluster',
    group: '',
    resource: 'events',
    verbs: ['list', 'watch'],
    feature: "the events timeline of SidecarSet, workload and pod pages (image pull failures, Kruise's and the dashboard's own events)",
  },
  {
    scope: 'kruise',
    group: 'apps',
    resource: 'controllerrevisions',
    verbs: ['list', 'watch'],
    feature: 'revision history, pods by revision, and roll back (Kruise keeps SidecarSet revisions in its namespace)',
  },
  {
    scope: 'cluster',
    group: 'apps.kruise.io',
    resource: 'sidecarsets',
    verbs: ['patch'],
    when: 'guard',
    feature:
      "the rollout guard pausing a failing rollout (people's own actions patch with their own identity: their token, or impersonation)",
  },
  {
    scope: 'default',
    group: '',
    resource: 'events',
    verbs: ['create'],
    feature:
      'the audit Event each rollout action and guard pause leaves on the SidecarSet, written as the dashboard itself (SidecarSets are cluster-scoped, so in namespace default)',
  },
  {
    scope: 'cluster',
    group: '',
    resource: 'users',
    verbs: ['impersonate'],
    when: 'proxy',
    feature: 'proxy sign-in: acting as the user the authenticating proxy names',
  },
  {
    scope: 'cluster',
    group: '',
    resource: 'groups',
    verbs: ['impersonate'],
    when: 'proxy',
    feature: "proxy sign-in: with that user's groups",
  },
];

/** The rules granted with these settings, one entry per (scope, group, resource, verb). */
export function expectedGrants(opts: { guard: boolean; proxy: boolean; kruiseNamespace: string }) {
  return EXPECTED_RULES.filter((r) => !r.when || (r.when === 'guard' ? opts.guard : opts.proxy)).flatMap((r) =>
    r.verbs.map((verb) => ({
      scope: r.scope === 'kruise' ? opts.kruiseNamespace : r.scope,
      group: r.group,
      resource: r.resource,
      verb,
    })),
  );
}
