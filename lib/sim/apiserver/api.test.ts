/**
 * The API server driven over HTTPS by @kubernetes/client-node, as the dashboard drives it:
 * verbs, selectors, pagination, watch (resume, 410, bookmarks), patch formats, errors, RBAC,
 * status subresource and generation rules, owner cascade.
 */
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deploymentBody,
  jsonPatch,
  merge,
  podBody,
  raw,
  sidecarSetBody,
  startTestCluster,
  statusOf,
  strategic,
  type TestCluster,
  waitFor,
} from '../test-support';

let t: TestCluster;
let core: k8s.CoreV1Api;
let apps: k8s.AppsV1Api;
let custom: k8s.CustomObjectsApi;

async function ns(name: string): Promise<string> {
  await core.createNamespace({ body: { metadata: { name } } });
  return name;
}

beforeAll(async () => {
  t = await startTestCluster({ historySize: 200 });
  core = t.core();
  apps = t.apps();
  custom = t.custom();
});

afterAll(async () => {
  await t?.stop();
});

describe('authentication and errors', () => {
  it('answers 401 Unauthorized without a valid token', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromString(t.cluster.kubeconfig.replace(t.cluster.tokens.admin, 'not-a-token'));
    const s = await statusOf(kc.makeApiClient(k8s.CoreV1Api).listNamespace());
    expect(s.code).toBe(401);
    for (const token of [undefined, 'not-a-token']) {
      const r = await raw(t.cluster, 'GET', '/api/v1/namespaces', { token });
      expect(r.status).toBe(401);
      expect(r.json()).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'Unauthorized',
        reason: 'Unauthorized',
        code: 401,
      });
    }
  });

  it('answers 404 NotFound with the resource and name', async () => {
    const s = await statusOf(core.readNamespacedPod({ name: 'nope', namespace: 'default' }));
    expect(s).toMatchObject({ code: 404, reason: 'NotFound', message: 'pods "nope" not found', details: { name: 'nope', kind: 'pods' } });
    const d = await statusOf(apps.readNamespacedDeployment({ name: 'nope', namespace: 'default' }));
    expect(d.message).toBe('deployments.apps "nope" not found');
  });

  it('answers 409 AlreadyExists on a duplicate create', async () => {
    const n = await ns('dup');
    await core.createNamespacedPod({ namespace: n, body: podBody('a') });
    const s = await statusOf(core.createNamespacedPod({ namespace: n, body: podBody('a') }));
    expect(s).toMatchObject({ code: 409, reason: 'AlreadyExists', message: 'pods "a" already exists' });
  });

  it('answers 422 Invalid with causes for a bad pod', async () => {
    const s = await statusOf(
      core.createNamespacedPod({
        namespace: 'default',
        body: { metadata: { name: 'bad' }, spec: { containers: [{ name: 'app' }] } } as k8s.V1Pod,
      }),
    );
    expect(s.code).toBe(422);
    expect(s.reason).toBe('Invalid');
    expect(s.message).toBe('Pod "bad" is invalid: spec.containers[0].image: Required value');
    expect(s.details).toMatchObject({
      name: 'bad',
      kind: 'Pod',
      causes: [{ reason: 'FieldValueRequired', field: 'spec.containers[0].image' }],
    });
  });

  it('fills generateName, uid, creationTimestamp, resourceVersion and generation', async () => {
    const p = await core.createNamespacedPod({
      namespace: 'default',
      body: { metadata: { generateName: 'gen-' }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } },
    });
    expect(p.metadata?.name).toMatch(/^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(p.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(p.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(Number(p.metadata?.resourceVersion)).toBeGreaterThan(0);
    expect(p.metadata?.generation).toBe(1);
    // Registry defaults the real server applies.
    expect(p.spec?.containers[0]?.imagePullPolicy).toBe('IfNotPresent');
    expect(p.spec?.restartPolicy).toBe('Always');
    expect(p.status?.phase).toBe('Pending');
  });
});

describe('list', () => {
  it('pages with limit and continue, in name order, with remainingItemCount', async () => {
    const n = await ns('paging');
    for (let i = 0; i < 25; i++) await core.createNamespacedPod({ namespace: n, body: podBody(`p-${String(i).padStart(2, '0')}`) });
    const first = await core.listNamespacedPod({ namespace: n, limit: 10 });
    expect(first.items.map((p) => p.metadata?.name)).toEqual([...Array(10)].map((_, i) => `p-${String(i).padStart(2, '0')}`));
    expect(first.metadata?._continue).toBeTruthy();
    expect(first.metadata?.remainingItemCount).toBe(15);
    const second = await core.listNamespacedPod({ namespace: n, limit: 10, _continue: first.metadata?._continue });
    expect(second.items[0]?.metadata?.name).toBe('p-10');
    const third = await core.listNamespacedPod({ namespace: n, limit: 10, _continue: second.metadata?._continue });
    expect(third.items).toHaveLength(5);
    expect(third.metadata?._continue).toBeFalsy();
    // The whole list keeps the resourceVersion of the first page.
    expect(third.metadata?.resourceVersion).toBe(first.metadata?.resourceVersion);
    // resourceVersion=0 is served from the "cache", whole, as the real server does.
    const any = await core.listNamespacedPod({ namespace: n, limit: 10, resourceVersion: '0' });
    expect(any.items).toHaveLength(25);
    expect(any.metadata?._continue).toBeFalsy();
  });

  it('filters by equality and set-based label selectors and by field selectors', async () => {
    const n = await ns('selectors');
    await core.createNamespacedPod({ namespace: n, body: podBody('web', undefined, { tier: 'web' }) });
    await core.createNamespacedPod({ namespace: n, body: podBody('api', undefined, { tier: 'api', canary: 'true' }) });
    await core.createNamespacedPod({ namespace: n, body: podBody('db', undefined, { tier: 'db' }) });
    const names = async (o: { labelSelector?: string; fieldSelector?: string }) =>
      (await core.listNamespacedPod({ namespace: n, ...o })).items.map((p) => p.metadata?.name).sort();
    expect(await names({ labelSelector: 'tier=web' })).toEqual(['web']);
    expect(await names({ labelSelector: 'tier!=web' })).toEqual(['api', 'db']);
    expect(await names({ labelSelector: 'tier in (web,api),!canary' })).toEqual(['web']);
    expect(await names({ labelSelector: 'canary' })).toEqual(['api']);
    expect(await names({ fieldSelector: 'metadata.name=db' })).toEqual(['db']);
    await waitFor(async () => (await names({ fieldSelector: 'status.phase=Running' })).length === 3, 5000, 'pods running');
    const node = (await core.readNamespacedPod({ name: 'web', namespace: n })).spec?.nodeName as string;
    expect(await names({ fieldSelector: `spec.nodeName=${node}` })).toContain('web');
    const bad = await statusOf(core.listNamespacedPod({ namespace: n, fieldSelector: 'spec.foo=bar' }));
    expect(bad).toMatchObject({ code: 400, reason: 'BadRequest', message: 'field label not supported: spec.foo' });
  });
});

describe('watch', () => {
  it('streams ADDED, MODIFIED and DELETED from a resourceVersion', async () => {
    const n = await ns('watching');
    const list = await core.listNamespacedPod({ namespace: n });
    const events: Array<[string, string, string]> = [];
    const w = new k8s.Watch(t.kc());
    const ctl = await w.watch(
      `/api/v1/namespaces/${n}/pods`,
      { resourceVersion: list.metadata?.resourceVersion },
      (type, obj) => {
        events.push([type, obj.metadata.name, obj.metadata.labels?.x ?? '']);
      },
      () => {},
    );
    await core.createNamespacedPod({ namespace: n, body: podBody('w1') });
    await core.patchNamespacedPod({ name: 'w1', namespace: n, body: { metadata: { labels: { x: 'y' } } } }, merge);
    await core.deleteNamespacedPod({ name: 'w1', namespace: n });
    await waitFor(() => events.some((e) => e[0] === 'DELETED'), 5000, 'DELETED event');
    ctl.abort();
    expect(events[0]).toEqual(['ADDED', 'w1', '']);
    expect(events.some((e) => e[0] === 'MODIFIED' && e[2] === 'y')).toBe(true);
    expect(events.at(-1)?.[0]).toBe('DELETED');
  });

  it('replays history after a resourceVersion, and answers 410 Expired once it is compacted', async () => {
    const n = await ns('compaction');
    const rv = (await core.listNamespacedPod({ namespace: n })).metadata?.resourceVersion as string;
    await core.createNamespacedPod({ namespace: n, body: podBody('h1') });
    // Still in the history: the event is replayed.
    const replayed: string[] = [];
    const w = new k8s.Watch(t.kc());
    const c1 = await w.watch(
      `/api/v1/namespaces/${n}/pods`,
      { resourceVersion: rv },
      (type, obj) => replayed.push(`${type} ${obj.metadata.name}`),
      () => {},
    );
    await waitFor(() => replayed.length > 0, 5000, 'replay');
    c1.abort();
    expect(replayed[0]).toBe('ADDED h1');
    // Compacted: HTTP 410 when the watch starts.
    t.cluster.store.compact();
    const err = await new Promise<{ statusCode?: number }>((resolve) => {
      void w.watch(
        `/api/v1/namespaces/${n}/pods`,
        { resourceVersion: rv },
        () => {},
        (e) => resolve(e),
      );
    });
    expect(err.statusCode).toBe(410);
    // The history is bounded too (200 events here): 201 writes later the old resourceVersion is gone by itself.
    const rv2 = (await core.listNamespacedPod({ namespace: n })).metadata?.resourceVersion as string;
    for (let i = 0; i < 201; i++) {
      t.cluster.store.create('events', {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: `fill-${i}`, namespace: n },
        reason: 'Fill',
        message: 'x',
      });
    }
    expect(t.cluster.store.oldestResumableRv()).toBeGreaterThan(Number(rv2));
    const err2 = await new Promise<{ statusCode?: number }>((resolve) => {
      void w.watch(
        `/api/v1/namespaces/${n}/pods`,
        { resourceVersion: rv2 },
        () => {},
        (e) => resolve(e),
      );
    });
    expect(err2.statusCode).toBe(410);
  });

  it('sends 410 as an in-stream ERROR event when forced, and BOOKMARKs when allowed', async () => {
    t.cluster.setFaults({ force410NextWatch: 'stream' });
    const got: Array<{ type: string; obj: { code?: number; reason?: string } }> = [];
    const w = new k8s.Watch(t.kc());
    void w.watch(
      '/api/v1/pods',
      { resourceVersion: '1' },
      (type, obj) => got.push({ type, obj }),
      () => {},
    );
    await waitFor(() => got.length > 0, 3000, 'the ERROR event');
    expect(got).toEqual([{ type: 'ERROR', obj: expect.objectContaining({ kind: 'Status', code: 410, reason: 'Expired' }) }]);

    const marks: string[] = [];
    const rv = (await core.listNamespacedPod({ namespace: 'default' })).metadata?.resourceVersion;
    const ctl = await w.watch(
      '/api/v1/namespaces/default/pods',
      { resourceVersion: rv, allowWatchBookmarks: true },
      (type, obj) => {
        if (type === 'BOOKMARK') marks.push(obj.metadata.resourceVersion);
      },
      () => {},
    );
    await waitFor(() => marks.length >= 1, 3000, 'a bookmark');
    ctl.abort();
    expect(Number(marks[0])).toBeGreaterThanOrEqual(Number(rv));
  });

  it('ends the stream after timeoutSeconds', async () => {
    const w = new k8s.Watch(t.kc());
    const started = Date.now();
    await new Promise<void>((resolve) => {
      void w.watch(
        '/api/v1/namespaces/default/pods',
        { timeoutSeconds: 1 },
        () => {},
        () => resolve(),
      );
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });
});

describe('update and patch', () => {
  it('answers 409 Conflict to an update with a stale resourceVersion', async () => {
    const n = await ns('conflict');
    const p = await core.createNamespacedPod({ namespace: n, body: podBody('c') });
    await core.patchNamespacedPod({ name: 'c', namespace: n, body: { metadata: { labels: { a: '1' } } } }, merge);
    const stale = { ...p, metadata: { ...p.metadata, labels: { a: '2' } } };
    const s = await statusOf(core.replaceNamespacedPod({ name: 'c', namespace: n, body: stale }));
    expect(s).toMatchObject({
      code: 409,
      reason: 'Conflict',
      message:
        'Operation cannot be fulfilled on pods "c": the object has been modified; please apply your changes to the latest version and try again',
    });
  });

  it('applies merge patches and JSON patches, and a failed JSON patch test answers 422', async () => {
    const n = await ns('patching');
    await apps.createNamespacedDeployment({ namespace: n, body: deploymentBody('web', 1) });
    const m = await apps.patchNamespacedDeployment(
      { name: 'web', namespace: n, body: { spec: { replicas: 3 }, metadata: { labels: { team: 'a' } } } },
      merge,
    );
    expect(m.spec?.replicas).toBe(3);
    expect(m.metadata?.labels).toEqual({ team: 'a' });
    const j = await apps.patchNamespacedDeployment(
      {
        name: 'web',
        namespace: n,
        body: [
          { op: 'test', path: '/spec/template/spec/containers/0/name', value: 'app' },
          { op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'nginx:1.28' },
        ],
      },
      jsonPatch,
    );
    expect(j.spec?.template.spec?.containers[0]?.image).toBe('nginx:1.28');
    const s = await statusOf(
      apps.patchNamespacedDeployment(
        {
          name: 'web',
          namespace: n,
          body: [
            { op: 'test', path: '/spec/template/spec/containers/0/name', value: 'not-app' },
            { op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'nginx:9' },
          ],
        },
        jsonPatch,
      ),
    );
    expect(s.code).toBe(422);
    expect(s.reason).toBe('Invalid');
    const after = await apps.readNamespacedDeployment({ name: 'web', namespace: n });
    expect(after.spec?.template.spec?.containers[0]?.image).toBe('nginx:1.28');
  });

  it('merges strategic merge patches for built-in kinds by merge key', async () => {
    const n = await ns('smp');
    await apps.createNamespacedDeployment({ namespace: n, body: deploymentBody('web', 1) });
    const d = await apps.patchNamespacedDeployment(
      { name: 'web', namespace: n, body: { spec: { template: { spec: { containers: [{ name: 'sidecar', image: 'busybox:1.36' }] } } } } },
      strategic,
    );
    expect(d.spec?.template.spec?.containers.map((c) => c.name)).toEqual(['app', 'sidecar']);
    const d2 = await apps.patchNamespacedDeployment(
      { name: 'web', namespace: n, body: { spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } } } },
      strategic,
    );
    expect(d2.spec?.template.spec?.containers.map((c) => c.name)).toEqual(['app']);
  });

  it('answers 415 to a strategic merge patch on a custom resource, as the real server does', async () => {
    await custom.createClusterCustomObject({
      group: 'apps.kruise.io',
      version: 'v1beta1',
      plural: 'sidecarsets',
      body: sidecarSetBody('smp-ss'),
    });
    const s = await statusOf(
      custom.patchClusterCustomObject(
        {
          group: 'apps.kruise.io',
          version: 'v1beta1',
          plural: 'sidecarsets',
          name: 'smp-ss',
          body: { spec: { updateStrategy: { paused: true } } },
        },
        strategic,
      ),
    );
    expect(s).toMatchObject({
      code: 415,
      reason: 'UnsupportedMediaType',
      message:
        'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
    });
    const ok = await custom.patchClusterCustomObject(
      {
        group: 'apps.kruise.io',
        version: 'v1beta1',
        plural: 'sidecarsets',
        name: 'smp-ss',
        body: { spec: { updateStrategy: { paused: true } } },
      },
      merge,
    );
    expect(ok.spec.updateStrategy.paused).toBe(true);
  });

  it('validates custom resources against the CRD schema (422) and prunes or rejects unknown fields', async () => {
    const bad = sidecarSetBody('bad-ss');
    (bad.spec as Record<string, unknown>).updateStrategy = { paused: 'yes' };
    const s = await statusOf(
      custom.createClusterCustomObject({ group: 'apps.kruise.io', version: 'v1beta1', plural: 'sidecarsets', body: bad }),
    );
    expect(s.code).toBe(422);
    expect(s.message).toBe(
      'SidecarSet.apps.kruise.io "bad-ss" is invalid: spec.updateStrategy.paused: Invalid value: "string": spec.updateStrategy.paused in body must be of type boolean: "string"',
    );
    const extra = sidecarSetBody('extra-ss');
    (extra.spec as Record<string, unknown>).bogus = 1;
    const strict = await statusOf(
      custom.createClusterCustomObject({
        group: 'apps.kruise.io',
        version: 'v1beta1',
        plural: 'sidecarsets',
        body: extra,
        fieldValidation: 'Strict',
      }),
    );
    expect(strict).toMatchObject({ code: 400, reason: 'BadRequest', message: 'strict decoding error: unknown field "spec.bogus"' });
    const pruned = await custom.createClusterCustomObject({
      group: 'apps.kruise.io',
      version: 'v1beta1',
      plural: 'sidecarsets',
      body: extra,
      fieldValidation: 'Ignore',
    });
    expect(pruned.spec.bogus).toBeUndefined();
  });

  it('serves SidecarSets in v1alpha1 and v1beta1 from one stored object', async () => {
    await custom.createClusterCustomObject({
      group: 'apps.kruise.io',
      version: 'v1beta1',
      plural: 'sidecarsets',
      body: sidecarSetBody('both'),
    });
    const alpha = await custom.getClusterCustomObject({
      group: 'apps.kruise.io',
      version: 'v1alpha1',
      plural: 'sidecarsets',
      name: 'both',
    });
    expect(alpha.apiVersion).toBe('apps.kruise.io/v1alpha1');
    const list = await custom.listClusterCustomObject({ group: 'apps.kruise.io', version: 'v1alpha1', plural: 'sidecarsets' });
    expect(list.apiVersion).toBe('apps.kruise.io/v1alpha1');
    expect(list.items.every((i: { apiVersion: string }) => i.apiVersion === 'apps.kruise.io/v1alpha1')).toBe(true);
    expect(t.cluster.store.get('apps.kruise.io/sidecarsets', undefined, 'both')?.apiVersion).toBe('apps.kruise.io/v1beta1');
  });
});

describe('status subresource and generation', () => {
  it('ignores spec on /status writes and status on main writes; bumps generation only for spec', async () => {
    await custom.createClusterCustomObject({
      group: 'apps.kruise.io',
      version: 'v1beta1',
      plural: 'sidecarsets',
      body: sidecarSetBody('gen-ss'),
    });
    const g = { group: 'apps.kruise.io', version: 'v1beta1', plural: 'sidecarsets', name: 'gen-ss' };
    let o = await custom.getClusterCustomObject(g);
    expect(o.metadata.generation).toBe(1);
    expect(o.status).toBeUndefined();
    // Status through the main resource is dropped; label changes do not bump generation.
    o = await custom.patchClusterCustomObject(
      { ...g, body: { metadata: { labels: { a: 'b' } }, status: { matchedPods: 5, updatedPods: 0, readyPods: 0 } } },
      merge,
    );
    expect(o.status).toBeUndefined();
    expect(o.metadata.generation).toBe(1);
    // Status through /status is kept; a spec change there is ignored.
    o = await custom.patchClusterCustomObjectStatus(
      { ...g, body: { spec: { updateStrategy: { paused: true } }, status: { matchedPods: 5, updatedPods: 1, readyPods: 4 } } },
      merge,
    );
    expect(o.status).toEqual({ matchedPods: 5, updatedPods: 1, readyPods: 4 });
    expect(o.spec.updateStrategy.paused).toBeUndefined();
    expect(o.metadata.generation).toBe(1);
    // A spec change bumps generation once; re-sending the same spec does not.
    o = await custom.patchClusterCustomObject({ ...g, body: { spec: { updateStrategy: { paused: true } } } }, merge);
    expect(o.metadata.generation).toBe(2);
    const rv = o.metadata.resourceVersion;
    o = await custom.patchClusterCustomObject({ ...g, body: { spec: { updateStrategy: { paused: true } } } }, merge);
    expect(o.metadata.generation).toBe(2);
    expect(o.metadata.resourceVersion).toBe(rv);
  });

  it('keeps pod status out of main-resource writes and only allows image changes to a pod spec', async () => {
    const n = await ns('podstatus');
    await core.createNamespacedPod({ namespace: n, body: podBody('s') });
    await waitFor(async () => (await core.readNamespacedPod({ name: 's', namespace: n })).status?.phase === 'Running', 5000, 'running');
    const p = await core.patchNamespacedPod({ name: 's', namespace: n, body: { status: { phase: 'Failed' } } }, merge);
    expect(p.status?.phase).toBe('Running');
    const bad = await statusOf(
      core.patchNamespacedPod(
        { name: 's', namespace: n, body: { spec: { containers: [{ name: 'app', image: 'nginx:1.27', args: ['x'] }] } } },
        strategic,
      ),
    );
    expect(bad.code).toBe(422);
    expect(bad.message).toMatch(
      /^Pod "s" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers\[\*\]\.image`/,
    );
    const ok = await core.patchNamespacedPod(
      { name: 's', namespace: n, body: { spec: { containers: [{ name: 'app', image: 'nginx:1.28' }] } } },
      strategic,
    );
    expect(ok.spec?.containers[0]?.image).toBe('nginx:1.28');
  });
});

describe('RBAC', () => {
  it('lets the viewer read but not write, with the real Forbidden message', async () => {
    const viewer = t.core('viewer');
    expect((await viewer.listPodForAllNamespaces()).items.length).toBeGreaterThan(0);
    const n = await ns('rbac');
    await core.createNamespacedPod({ namespace: n, body: podBody('x') });
    const s = await statusOf(viewer.patchNamespacedPod({ name: 'x', namespace: n, body: { metadata: { labels: { a: 'b' } } } }, merge));
    expect(s).toMatchObject({
      code: 403,
      reason: 'Forbidden',
      message: 'pods "x" is forbidden: User "viewer" cannot patch resource "pods" in API group "" in the namespace "rbac"',
      details: { name: 'x', kind: 'pods' },
    });
    const c = await statusOf(viewer.createNamespacedPod({ namespace: n, body: podBody('y') }));
    expect(c.message).toBe('pods is forbidden: User "viewer" cannot create resource "pods" in API group "" in the namespace "rbac"');
    const ss = await statusOf(
      t.custom('viewer').deleteClusterCustomObject({ group: 'apps.kruise.io', version: 'v1beta1', plural: 'sidecarsets', name: 'x' }),
    );
    expect(ss.message).toBe(
      'sidecarsets.apps.kruise.io "x" is forbidden: User "viewer" cannot delete resource "sidecarsets" in API group "apps.kruise.io" at the cluster scope',
    );
  });

  it('answers access reviews truthfully for each user', async () => {
    const can = async (user: string, attrs: k8s.V1ResourceAttributes) =>
      (
        await t
          .kc(user)
          .makeApiClient(k8s.AuthorizationV1Api)
          .createSelfSubjectAccessReview({ body: { spec: { resourceAttributes: attrs } } })
      ).status?.allowed;
    expect(await can('admin', { verb: 'delete', resource: 'pods', namespace: 'x' })).toBe(true);
    expect(await can('viewer', { verb: 'list', resource: 'pods' })).toBe(true);
    expect(await can('viewer', { verb: 'patch', group: 'apps.kruise.io', resource: 'sidecarsets' })).toBe(false);
    expect(await can('editor', { verb: 'patch', group: 'apps.kruise.io', resource: 'sidecarsets' })).toBe(true);
    expect(await can('restricted', { verb: 'patch', group: 'apps.kruise.io', resource: 'sidecarsets' })).toBe(true);
    expect(await can('restricted', { verb: 'list', resource: 'pods', namespace: 'payments' })).toBe(false);
    expect(await can('restricted', { verb: 'list', resource: 'pods', namespace: 'checkout' })).toBe(true);
    expect(await can('restricted', { verb: 'list', resource: 'pods' })).toBe(false);
    // ...and the server enforces exactly that.
    await core.createNamespace({ body: { metadata: { name: 'payments' } } }).catch(() => {});
    const denied = await statusOf(t.core('restricted').listNamespacedPod({ namespace: 'payments' }));
    expect(denied.code).toBe(403);
    expect((await t.core('restricted').listNamespacedPod({ namespace: 'default' })).items).toBeDefined();
    const rules = await t
      .kc('viewer')
      .makeApiClient(k8s.AuthorizationV1Api)
      .createSelfSubjectRulesReview({ body: { spec: { namespace: 'default' } } });
    expect(rules.status?.resourceRules).toContainEqual(
      expect.objectContaining({ verbs: ['get', 'list', 'watch'], apiGroups: ['*'], resources: ['*'] }),
    );
  });
});

describe('deletion', () => {
  it('cascades a Deployment delete to its ReplicaSets and pods (background), and orphans on request', async () => {
    const n = await ns('cascade');
    await apps.createNamespacedDeployment({ namespace: n, body: deploymentBody('web', 3) });
    await waitFor(async () => (await core.listNamespacedPod({ namespace: n })).items.length === 3, 5000, '3 pods');
    const rs = (await apps.listNamespacedReplicaSet({ namespace: n })).items;
    expect(rs).toHaveLength(1);
    const pods = (await core.listNamespacedPod({ namespace: n })).items;
    expect(
      pods.every((p) => p.metadata?.ownerReferences?.[0]?.name === rs[0]?.metadata?.name && p.metadata?.ownerReferences?.[0]?.controller),
    ).toBe(true);
    await apps.deleteNamespacedDeployment({ name: 'web', namespace: n, propagationPolicy: 'Background' });
    await waitFor(async () => (await core.listNamespacedPod({ namespace: n })).items.length === 0, 5000, 'pods gone');
    expect((await apps.listNamespacedReplicaSet({ namespace: n })).items).toHaveLength(0);

    await apps.createNamespacedDeployment({ namespace: n, body: deploymentBody('kept', 2) });
    await waitFor(async () => (await core.listNamespacedPod({ namespace: n })).items.length === 2, 5000, '2 pods');
    await apps.deleteNamespacedDeployment({ name: 'kept', namespace: n, propagationPolicy: 'Orphan' });
    await new Promise((r) => setTimeout(r, 100));
    const left = (await apps.listNamespacedReplicaSet({ namespace: n })).items;
    expect(left).toHaveLength(1);
    expect(left[0]?.metadata?.ownerReferences).toBeUndefined();
  });

  it('deletes a collection by label selector', async () => {
    const n = await ns('collection');
    for (const [name, tier] of [
      ['a', 'web'],
      ['b', 'web'],
      ['c', 'db'],
    ]) {
      await core.createNamespacedPod({ namespace: n, body: podBody(name as string, undefined, { tier: tier as string }) });
    }
    await core.deleteCollectionNamespacedPod({ namespace: n, labelSelector: 'tier=web' });
    expect((await core.listNamespacedPod({ namespace: n })).items.map((p) => p.metadata?.name)).toEqual(['c']);
  });

  it('deletes a namespace with its content', async () => {
    const n = await ns('doomed');
    await core.createNamespacedPod({ namespace: n, body: podBody('a') });
    const d = await core.deleteNamespace({ name: n });
    expect((d as k8s.V1Namespace).status?.phase).toBe('Terminating');
    await waitFor(async () => (await core.listNamespace()).items.every((x) => x.metadata?.name !== n), 5000, 'namespace gone');
    expect(t.cluster.store.list('pods', { namespace: n })).toHaveLength(0);
  });
});
