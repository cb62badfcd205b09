/**
 * Injection, revisions, canary SidecarSets and validation over HTTPS on the built-in cluster,
 * driven with @kubernetes/client-node and kubectl.
 */
import { describe, expect } from 'vitest';
import type { Pod } from '@/lib/fleet/k8s-types';
import {
  annotationJson,
  containerImage,
  createDeployment,
  createSidecarSet,
  ensureNamespace,
  failure,
  getSidecarSet,
  jsonPatch,
  kubectl,
  listPods,
  listRevisions,
  observeTheRevisions,
  observeThePods,
  observeTheSidecarSet,
  mergePatch,
  scaleDeployment,
  kruiseScenarios,
  waitFor,
  waitForRunning,
  waitForStatus,
} from './scenario-support';

const scenario = kruiseScenarios();

const PREFIX = 'admission webhook "vsidecarset.kb.io" denied the request: ';

describe('pod injection', () => {
  scenario('injects in order, with IS_INJECTED, volumes, secrets and the annotations', async (k) => {
    await ensureNamespace(k, 'inj', { team: 'commerce' });
    await createSidecarSet(k, 'inj-mesh', {
      selector: { matchLabels: { mesh: 'inj' } },
      containers: [
        { name: 'proxy', image: 'docker.io/envoyproxy/envoy:v1.31.2', volumeMounts: [{ name: 'proxy-certs', mountPath: '/etc/certs' }] },
      ],
      volumes: [{ name: 'proxy-certs', secret: { secretName: 'proxy-certs' } }],
    });
    await createSidecarSet(k, 'inj-log', {
      selector: { matchLabels: { logging: 'inj' } },
      namespaceSelector: { matchLabels: { team: 'commerce' } },
      initContainers: [{ name: 'log-init', image: 'docker.io/library/busybox:1.36', command: ['true'] }],
      containers: [
        {
          name: 'log-agent',
          image: 'cr.fluentbit.io/fluent/fluent-bit:3.1.9',
          podInjectPolicy: 'AfterAppContainer',
          volumeMounts: [{ name: 'log-buffer', mountPath: '/buffers' }],
          transferEnv: [{ sourceContainerName: 'app', envName: 'LOG_FORMAT' }],
        },
      ],
      volumes: [
        { name: 'log-buffer', emptyDir: {} },
        { name: 'not-mounted', emptyDir: {} },
      ],
      imagePullSecrets: [{ name: 'registry-cred' }],
    });
    await createDeployment(k, 'inj', 'shop', 2, { mesh: 'inj', logging: 'inj' }, [
      { name: 'app', image: 'docker.io/library/nginx:1.27', env: [{ name: 'LOG_FORMAT', value: 'json' }] },
    ]);
    const [pod] = (await waitForRunning(k, 'inj', 'app.kubernetes.io/name=shop', 2)) as Pod[];
    const mesh = await waitForStatus(k, 'inj-mesh', { matchedPods: 2, readyPods: 2 });
    const log = await waitForStatus(k, 'inj-log', { matchedPods: 2, readyPods: 2 });
    await observeTheSidecarSet(k, 'inj-mesh injected', 'inj-mesh');
    await observeTheSidecarSet(k, 'inj-log injected', 'inj-log');
    observeThePods(k, 'shop pods injected', await listPods(k, 'inj', 'app.kubernetes.io/name=shop'));
    const p = pod as Pod;
    // Before-policy sidecars in front, After-policy ones after the app; init containers after the pod's own.
    expect(p.spec.containers.map((c) => c.name)).toEqual(['proxy', 'app', 'log-agent']);
    expect(p.spec.initContainers?.map((c) => c.name)).toEqual(['log-init']);
    expect(p.spec.containers[0]?.env).toEqual([{ name: 'IS_INJECTED', value: 'true' }]);
    // The sidecar's own env and IS_INJECTED, then the transferred env.
    expect(p.spec.containers[2]?.env).toEqual([
      { name: 'IS_INJECTED', value: 'true' },
      { name: 'LOG_FORMAT', value: 'json' },
    ]);
    expect(p.spec.initContainers?.[0]?.env).toEqual([{ name: 'IS_INJECTED', value: 'true' }]);
    // Only mounted volumes are copied, SidecarSet by SidecarSet; secrets are merged. Both SidecarSets
    // are cluster-scoped (no kubernetes.io/metadata.name in their namespaceSelector), and Kruise
    // lists those from an index whose order is a Go map's, so the volumes come in either order.
    expect(
      p.spec.volumes
        ?.map((v) => v.name)
        .filter((n) => !n.startsWith('kube-api-access'))
        .sort(),
    ).toEqual(['log-buffer', 'proxy-certs']);
    expect(p.spec.imagePullSecrets).toEqual([{ name: 'registry-cred' }]);
    const ann = p.metadata.annotations ?? {};
    expect(ann['kruise.io/sidecarset-injected-list']).toBe('inj-log,inj-mesh');
    const hash = annotationJson(p, 'kruise.io/sidecarset-hash');
    expect(hash['inj-mesh']).toMatchObject({
      hash: mesh.metadata.annotations?.['kruise.io/sidecarset-hash'],
      sidecarSetName: 'inj-mesh',
      sidecarList: ['proxy'],
    });
    expect(hash['inj-log']).toMatchObject({ hash: log.metadata.annotations?.['kruise.io/sidecarset-hash'], sidecarList: ['log-agent'] });
    expect(annotationJson(p, 'kruise.io/sidecarset-hash-without-image')['inj-log']).toMatchObject({
      hash: log.metadata.annotations?.['kruise.io/sidecarset-hash-without-image'],
    });
    expect(Object.keys(hash['inj-log'] ?? {})).toContain('updateTimestamp');
    // A new pod created after the first status carries the revision.
    await scaleDeployment(k, 'inj', 'shop', 3);
    const pods = await waitForRunning(k, 'inj', 'app.kubernetes.io/name=shop', 3);
    observeThePods(k, 'shop pods after scaling to 3', pods);
    const newest = pods.find((x) => annotationJson(x, 'kruise.io/sidecarset-hash')['inj-mesh']?.controllerRevision);
    expect(annotationJson(newest as Pod, 'kruise.io/sidecarset-hash')['inj-mesh']?.controllerRevision).toBe(mesh.status?.latestRevision);

    // kubectl shows the printer columns.
    const out = await kubectl(k, 'get', 'sidecarsets', 'inj-log');
    expect(out.split('\n')[0]).toMatch(/^NAME\s+MATCHED\s+UPDATED\s+READY\s+AGE$/);
    expect(out.split('\n')[1]).toMatch(/^inj-log\s+3\s+3\s+3\s+/);
  });

  scenario('skips namespaces labelled control-plane and pods created before the SidecarSet', async (k) => {
    await createDeployment(k, 'kube-system', 'sys', 1, { mesh: 'sys' });
    await createDeployment(k, 'inj', 'early', 1, { mesh: 'early' });
    await waitForRunning(k, 'kube-system', 'app.kubernetes.io/name=sys', 1);
    await waitForRunning(k, 'inj', 'app.kubernetes.io/name=early', 1);
    await createSidecarSet(k, 'everywhere', {
      selector: { matchExpressions: [{ key: 'mesh', operator: 'In', values: ['sys', 'early'] }] },
      containers: [{ name: 'everywhere', image: 'docker.io/library/busybox:1.36' }],
    });
    await waitForStatus(k, 'everywhere', { matchedPods: 0 });
    await scaleDeployment(k, 'kube-system', 'sys', 2);
    await scaleDeployment(k, 'inj', 'early', 2);
    const sys = await waitForRunning(k, 'kube-system', 'app.kubernetes.io/name=sys', 2);
    const early = await waitForRunning(k, 'inj', 'app.kubernetes.io/name=early', 2);
    observeThePods(k, 'kube-system pods', sys);
    observeThePods(k, 'pods created before and after the SidecarSet', early);
    expect(sys.map((p) => p.spec.containers.map((c) => c.name))).toEqual([['app'], ['app']]);
    // Only the pod created after the SidecarSet is injected and counted.
    expect(early.map((p) => p.spec.containers.length).sort()).toEqual([1, 2]);
    await waitForStatus(k, 'everywhere', { matchedPods: 1, updatedPods: 1, readyPods: 1, updatedReadyPods: 1 });
    await observeTheSidecarSet(k, 'everywhere settled', 'everywhere');
  });
});

describe('revisions', () => {
  scenario('keeps revisionHistoryLimit revisions; a rollback reuses a revision with a new number', async (k) => {
    await createSidecarSet(k, 'hist', {
      selector: { matchLabels: { hist: 'x' } },
      revisionHistoryLimit: 3,
      containers: [{ name: 'hist', image: 'docker.io/library/busybox:1.30' }],
    });
    await waitForStatus(k, 'hist', { matchedPods: 0 });
    for (let v = 31; v <= 35; v++) {
      await jsonPatch(k, 'hist', [{ op: 'replace', path: '/spec/containers/0/image', value: `docker.io/library/busybox:1.${v}` }]);
      await waitFor(`revision for 1.${v}`, async () => {
        const ss = await getSidecarSet(k, 'hist');
        return ss.status?.observedGeneration === ss.metadata.generation;
      });
    }
    const revs = await listRevisions(k, 'hist');
    await observeTheRevisions(k, 'hist revisions after five images', 'hist');
    expect(revs.map((r) => r.revision)).toEqual([4, 5, 6]);
    const ss = await getSidecarSet(k, 'hist');
    expect(ss.status?.latestRevision).toBe(revs[2]?.metadata.name);
    for (const r of revs) {
      expect(r.metadata.name).toMatch(/^hist-[bcdfghjklmnpqrstvwxz2456789]+$/);
      expect(r.metadata.labels?.['kruise.io/sidecarset-name']).toBe('hist');
      expect(r.metadata.labels?.['controller.kubernetes.io/hash']).toBe(r.metadata.name.slice('hist-'.length));
      // Kruise marshals the revision data from maps: keys sorted.
      expect(Object.keys((r.data as { spec: object }).spec)).toEqual([
        '$patch',
        'containers',
        'imagePullSecrets',
        'initContainers',
        'patchPodMetadata',
        'volumes',
      ]);
    }
    // Revision 4 ran busybox:1.33. Going back reuses it as number 7; nothing new is created.
    await jsonPatch(k, 'hist', [{ op: 'replace', path: '/spec/containers/0/image', value: 'docker.io/library/busybox:1.33' }]);
    await waitForStatus(k, 'hist', { latestRevision: revs[0]?.metadata.name });
    const after = await listRevisions(k, 'hist');
    await observeTheRevisions(k, 'hist revisions after going back to 1.33', 'hist');
    await observeTheSidecarSet(k, 'hist after going back to 1.33', 'hist');
    expect(after.map((r) => [r.metadata.name, r.revision])).toEqual([
      [revs[1]?.metadata.name, 5],
      [revs[2]?.metadata.name, 6],
      [revs[0]?.metadata.name, 7],
    ]);
    // Strategy edits make no revision; customVersion labels the latest one.
    await mergePatch(k, 'hist', { spec: { updateStrategy: { paused: true }, customVersion: 'v1.33' } });
    await waitFor('custom version label', async () => {
      const r = await listRevisions(k, 'hist');
      return r.length === 3 && r[2]?.metadata.labels?.['apps.kruise.io/sidecarset-custom-version'] === 'v1.33';
    });
  });

  scenario('injects an older revision with injectionStrategy.revision, then upgrades it in place when resumed', async (k) => {
    await createSidecarSet(k, 'older', {
      selector: { matchLabels: { older: 'x' } },
      updateStrategy: { maxUnavailable: 3 },
      containers: [{ name: 'older', image: 'docker.io/library/busybox:1.35', command: ['sleep', '999d'] }],
    });
    // A revision cannot be named before it exists.
    const early = await failure(
      k,
      createSidecarSet(k, 'older-bad', {
        selector: { matchLabels: { older: 'y' } },
        injectionStrategy: { revision: { revisionName: 'older-nope' } },
        containers: [{ name: 'older-bad', image: 'docker.io/library/busybox:1.35' }],
      }),
    );
    expect(early.code).toBe(500);
    expect(early.message).toBe(
      `${PREFIX}revision: Invalid value: "null": Cannot find specific ControllerRevision, err: ControllerRevision.apps "older-nope" not found`,
    );
    await createDeployment(k, 'rev', 'older', 2, { older: 'x' });
    await waitForRunning(k, 'rev', 'older=x', 2);
    const v1 = await waitForStatus(k, 'older', { matchedPods: 2, readyPods: 2 });
    await observeTheSidecarSet(k, 'older v1', 'older');
    const v1Rev = v1.status?.latestRevision as string;
    await jsonPatch(k, 'older', [{ op: 'replace', path: '/spec/containers/0/image', value: 'docker.io/library/busybox:1.36' }]);
    const v2 = await waitForStatus(k, 'older', { updatedPods: 2, updatedReadyPods: 2 });
    // Pause, and have new pods get revision 1.
    await mergePatch(k, 'older', {
      spec: { updateStrategy: { paused: true }, injectionStrategy: { revision: { revisionName: v1Rev, policy: 'Always' } } },
    });
    await scaleDeployment(k, 'rev', 'older', 3);
    const pods = await waitForRunning(k, 'rev', 'older=x', 3);
    observeThePods(k, 'older pods with one injected at revision 1', pods);
    const fresh = pods.find((p) => containerImage(p, 'older') === 'docker.io/library/busybox:1.35') as Pod;
    expect(fresh).toBeDefined();
    expect(annotationJson(fresh, 'kruise.io/sidecarset-hash').older).toMatchObject({
      hash: v1.metadata.annotations?.['kruise.io/sidecarset-hash'],
      controllerRevision: v1Rev,
    });
    await waitForStatus(k, 'older', { matchedPods: 3, updatedPods: 2, readyPods: 3 });
    // The revision pods still run is kept; resuming upgrades the old pod in place.
    expect((await listRevisions(k, 'older')).map((r) => r.metadata.name)).toContain(v1Rev);
    await mergePatch(k, 'older', { spec: { updateStrategy: { paused: false } } });
    await waitForStatus(k, 'older', { matchedPods: 3, updatedPods: 3, readyPods: 3, updatedReadyPods: 3 });
    const now = await listPods(k, 'rev', 'older=x');
    observeThePods(k, 'older pods after resuming', now);
    await observeTheRevisions(k, 'older revisions', 'older');
    expect(now.map((p) => containerImage(p, 'older'))).toEqual(Array(3).fill('docker.io/library/busybox:1.36'));
    const upgraded = now.find((p) => p.metadata.name === fresh.metadata.name) as Pod;
    expect(annotationJson(upgraded, 'kruise.io/sidecarset-hash').older?.controllerRevision).toBe(v2.status?.latestRevision);
  });
});

describe('canary SidecarSets', () => {
  scenario('a canary replaces its base for the pods it selects; only NotUpdate is allowed', async (k) => {
    await createSidecarSet(k, 'cbase', {
      selector: { matchLabels: { cb: 'x' } },
      containers: [{ name: 'cproxy', image: 'docker.io/envoyproxy/envoy:v1.30.1' }],
    });
    const meta = { annotations: { 'apps.kruise.io/sidecarset-canary': 'true', 'apps.kruise.io/sidecarset-base': 'cbase' } };
    const rolling = await failure(
      k,
      createSidecarSet(
        k,
        'cbase-canary',
        {
          selector: { matchLabels: { cb: 'x', canary: 'true' } },
          containers: [{ name: 'cproxy', image: 'docker.io/envoyproxy/envoy:v1.31.0' }],
        },
        meta,
      ),
    );
    // The bad value is the whole annotations map, with the hashes the mutating webhook has just added.
    expect(rolling.code).toBe(500);
    expect(rolling.message).toMatch(
      /^admission webhook "vsidecarset\.kb\.io" denied the request: metadata: Invalid value: map\[string\]string\{"apps\.kruise\.io\/sidecarset-base":"cbase", "apps\.kruise\.io\/sidecarset-canary":"true", "kruise\.io\/sidecarset-hash":"[a-z0-9]+", "kruise\.io\/sidecarset-hash-without-image":"[a-z0-9]+"\}: RollingUpdate is not supported for canary sidecarSet$/,
    );
    await createSidecarSet(
      k,
      'cbase-canary',
      {
        selector: { matchLabels: { cb: 'x', canary: 'true' } },
        updateStrategy: { type: 'NotUpdate' },
        containers: [{ name: 'cproxy', image: 'docker.io/envoyproxy/envoy:v1.31.0' }],
      },
      meta,
    );
    await createDeployment(k, 'canary', 'stable', 3, { cb: 'x' });
    await createDeployment(k, 'canary', 'canary', 2, { cb: 'x', canary: 'true' });
    const stable = await waitForRunning(k, 'canary', 'app.kubernetes.io/name=stable', 3);
    const canary = await waitForRunning(k, 'canary', 'app.kubernetes.io/name=canary', 2);
    observeThePods(k, 'stable pods', stable);
    observeThePods(k, 'canary pods', canary);
    for (const p of stable) {
      expect(p.metadata.annotations?.['kruise.io/sidecarset-injected-list']).toBe('cbase');
      expect(containerImage(p, 'cproxy')).toBe('docker.io/envoyproxy/envoy:v1.30.1');
    }
    for (const p of canary) {
      expect(p.metadata.annotations?.['kruise.io/sidecarset-injected-list']).toBe('cbase-canary');
      expect(containerImage(p, 'cproxy')).toBe('docker.io/envoyproxy/envoy:v1.31.0');
    }
    await waitForStatus(k, 'cbase', { matchedPods: 3, updatedPods: 3, readyPods: 3 });
    // (quirk) NotUpdate reconciles on pod creation only: its readyPods stays as it was then.
    const c = await waitForStatus(k, 'cbase-canary', { matchedPods: 2, updatedPods: 2 });
    await observeTheSidecarSet(k, 'cbase', 'cbase');
    await observeTheSidecarSet(k, 'cbase-canary', 'cbase-canary');
    expect(c.status?.readyPods).toBe(0);
    // The base annotation is immutable, and a missing base is a second error; each shows the
    // annotations map (Go's %#v: keys sorted).
    const annotations: Record<string, string> = {
      ...(await getSidecarSet(k, 'cbase-canary')).metadata.annotations,
      'apps.kruise.io/sidecarset-base': 'other',
    };
    const shown = `map[string]string{${Object.keys(annotations)
      .sort()
      .map((key) => `"${key}":"${annotations[key]}"`)
      .join(', ')}}`;
    const moved = await failure(
      k,
      mergePatch(k, 'cbase-canary', { metadata: { annotations: { 'apps.kruise.io/sidecarset-base': 'other' } } }),
    );
    expect(moved.message).toBe(
      `${PREFIX}[metadata: Invalid value: ${shown}: annotations[apps.kruise.io/sidecarset-base] is immutable, metadata: Invalid value: ${shown}: fetch base sidecarSet[other] failed: SidecarSet.apps.kruise.io "other" not found]`,
    );
  });
});

describe('validation over HTTP', () => {
  const ok = { selector: { matchLabels: { v: 'x' } }, containers: [{ name: 'v', image: 'docker.io/library/busybox:1.36' }] };

  scenario('webhook errors are 500 with the vsidecarset.kb.io prefix and Kruise messages', async (k) => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ containers: ok.containers }, 'spec.selector: Required value: no selector defined for SidecarSet'],
      [{ selector: ok.selector }, 'spec: Required value: no initContainer or container defined for SidecarSet'],
      [{ ...ok, containers: [{ name: 'v' }] }, 'spec.containers[0].image: Required value'],
      [
        { ...ok, updateStrategy: { maxUnavailable: -1 } },
        'spec.updateStrategy.maxUnavailable: Invalid value: -1: must be greater than or equal to 0',
      ],
      [
        { ...ok, initContainers: [{ name: 'n', image: 'docker.io/library/busybox:1.36', restartPolicy: 'Always' }] },
        'spec.updateStrategy: Required value: The initContainer in-place upgrade is not currently supported.',
      ],
    ];
    for (const [spec, message] of cases) {
      const f = await failure(k, createSidecarSet(k, 'val', spec));
      expect(f).toMatchObject({ code: 500, message: `${PREFIX}${message}` });
    }
    const dot = await failure(k, createSidecarSet(k, 'val.v2', ok));
    expect(dot.code).toBe(500);
    expect(dot.message).toBe(
      `${PREFIX}metadata.name: Invalid value: "val.v2": sidecarset name must consist of alphanumeric characters or '-' (e.g. 'example-com', regex used for validation is '^[a-zA-Z0-9\\-]+$')`,
    );
    // Immutable container names on update.
    await createSidecarSet(k, 'val', ok);
    const rename = await failure(k, jsonPatch(k, 'val', [{ op: 'replace', path: '/spec/containers/0/name', value: 'w' }]));
    expect(rename).toMatchObject({ code: 500, message: `${PREFIX}spec.containers.name: Invalid value: "w": container w is not found` });
    // Conflicts with an overlapping SidecarSet.
    const clash = await failure(
      k,
      createSidecarSet(k, 'val-clash', { selector: { matchLabels: { other: 'y' } }, containers: ok.containers }),
    );
    expect(clash).toMatchObject({ code: 500, message: `${PREFIX}spec.containers: Invalid value: "v": container v already exist in val` });
  });

  scenario('schema errors are 422 Invalid from the API server, after the mutating webhook; a wrong type is its 400', async (k) => {
    const policy = await failure(
      k,
      createSidecarSet(k, 'val-422', { ...ok, injectionStrategy: { revision: { revisionName: 'x', policy: 'Sometimes' } } }),
    );
    expect(policy.code).toBe(422);
    expect(policy.reason).toBe('Invalid');
    expect(policy.message).toBe(
      'SidecarSet.apps.kruise.io "val-422" is invalid: spec.injectionStrategy.revision.policy: Unsupported value: "Sometimes": supported values: "Always", "Partial"',
    );
    const rp = await failure(
      k,
      createSidecarSet(k, 'val-422', {
        ...ok,
        containers: [
          { name: 'v', image: 'docker.io/library/busybox:1.36', resourcesPolicy: { targetContainerMode: 'sum', resourceExpr: {} } },
        ],
      }),
    );
    // The misspelt fields are pruned; the webhook's Go types then write the required
    // targetContainersMode as "" (no omitempty), which the schema's enum refuses.
    expect(rp.code).toBe(422);
    expect(rp.message).toBe(
      'SidecarSet.apps.kruise.io "val-422" is invalid: spec.containers[0].resourcesPolicy.targetContainersMode: Unsupported value: "": supported values: "sum", "max"',
    );
    const upper = await failure(k, createSidecarSet(k, 'Val', ok));
    expect(upper.code).toBe(422);
    // The mutating webhook decodes the object into Kruise's Go types first and refuses a wrong type.
    const typed = await failure(k, createSidecarSet(k, 'val-422', { ...ok, updateStrategy: { paused: 'yes' } }));
    expect(typed).toEqual({
      code: 400,
      message:
        'admission webhook "msidecarset.kb.io" denied the request: json: cannot unmarshal string into Go struct field SidecarSetUpdateStrategy.spec.updateStrategy.paused of type bool',
    });
  });

  scenario('v1alpha1 is converted: spec.namespace wins and reads back as a namespaceSelector', async (k) => {
    await createSidecarSet(
      k,
      'alpha',
      {
        namespace: 'alpha-ns',
        namespaceSelector: { matchLabels: { team: 'x' } },
        selector: { matchLabels: { alpha: 'x' } },
        containers: [{ name: 'alpha', image: 'docker.io/library/busybox:1.36' }],
      },
      { labels: { 'apps.kruise.io/sidecarset-custom-version': 'a1' } },
      'v1alpha1',
    );
    const beta = await getSidecarSet(k, 'alpha', 'v1beta1');
    expect(beta.spec.namespaceSelector).toEqual({ matchLabels: { 'kubernetes.io/metadata.name': 'alpha-ns' } });
    expect(beta.spec.customVersion).toBe('a1');
    expect(beta.metadata.labels?.['apps.kruise.io/sidecarset-custom-version']).toBeUndefined();
    const alpha = await getSidecarSet(k, 'alpha', 'v1alpha1');
    await observeTheSidecarSet(k, 'alpha read as v1beta1', 'alpha', 'v1beta1');
    await observeTheSidecarSet(k, 'alpha read as v1alpha1', 'alpha', 'v1alpha1');
    expect(alpha.spec.namespace).toBeUndefined();
    expect(alpha.spec.namespaceSelector).toEqual({ matchLabels: { 'kubernetes.io/metadata.name': 'alpha-ns' } });
    expect(alpha.metadata.labels?.['apps.kruise.io/sidecarset-custom-version']).toBe('a1');
    // Editing the label through v1alpha1 changes v1beta1's spec.customVersion, but the API server
    // handles the update in v1alpha1, where it is metadata: generation stays.
    const gen = beta.metadata.generation as number;
    await k.custom.patchClusterCustomObject({
      group: 'apps.kruise.io',
      version: 'v1alpha1',
      plural: 'sidecarsets',
      name: 'alpha',
      body: [{ op: 'replace', path: '/metadata/labels/apps.kruise.io~1sidecarset-custom-version', value: 'a2' }],
    });
    const relabelled = await getSidecarSet(k, 'alpha', 'v1beta1');
    await observeTheSidecarSet(k, 'alpha after a v1alpha1 label edit', 'alpha', 'v1beta1');
    expect(relabelled.spec.customVersion).toBe('a2');
    expect(relabelled.metadata.generation).toBe(gen);
  });
});
