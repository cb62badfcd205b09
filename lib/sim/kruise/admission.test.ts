/**
 * Unit tests of the SidecarSet webhooks, conversion and pod injection as functions. The reader
 * below only answers get/list from fixed objects, which is all admission reads; behaviour over
 * HTTP with the real store and controller is covered by the scenario tests.
 */
import { describe, expect, it } from 'vitest';
import type { Pod, SidecarSet } from '@/lib/fleet/k8s-types';
import { ApiError, type KObject, type ListOptions, type StoreReader } from '../types';
import { convertSidecarSet } from './conversion';
import { fnv32, safeEncodeString } from '../apiserver/util';
import { controllerRevisionHash } from './hash';
import { injectPod, seededRandom } from './injection';
import { revisionDataJson } from './revisions';
import { mutateSidecarSet, sidecarSetWebhook } from './sidecarset-webhook';

function reader(objs: Record<string, KObject[]>): StoreReader {
  return {
    get(resource, namespace, name) {
      return (objs[resource] ?? []).find(
        (o) => o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace),
      );
    },
    list(resource, opts?: ListOptions) {
      let items = objs[resource] ?? [];
      if (opts?.namespace) items = items.filter((o) => o.metadata.namespace === opts.namespace);
      if (opts?.labelSelector) {
        const [k, v] = opts.labelSelector.split('=') as [string, string];
        items = items.filter((o) => o.metadata.labels?.[k] === v);
      }
      return items;
    },
  };
}

const namespaces: KObject[] = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'kubernetes.io/metadata.name': 'shop', team: 'commerce' } } },
  {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'kube-system', labels: { 'kubernetes.io/metadata.name': 'kube-system', 'control-plane': 'true' } },
  },
];

function ss(name: string, spec: Record<string, unknown>, meta: Partial<SidecarSet['metadata']> = {}): KObject {
  return { apiVersion: 'apps.kruise.io/v1beta1', kind: 'SidecarSet', metadata: { name, ...meta }, spec } as KObject;
}

/** What the API server stores: defaulted and hashed. */
function stored(o: KObject, status?: Record<string, unknown>): KObject {
  const m = mutateSidecarSet(o);
  return status ? { ...m, status } : m;
}

function validate(obj: KObject, old?: KObject, objs: Record<string, KObject[]> = {}): string | undefined {
  const plugin = sidecarSetWebhook();
  const mutated =
    plugin.mutate?.(obj, old, {
      operation: old ? 'UPDATE' : 'CREATE',
      user: { name: 'admin', groups: [] },
      dryRun: false,
      store: reader(objs),
    }) ?? obj;
  try {
    plugin.validate?.(mutated, old ? mutateSidecarSet(old) : undefined, {
      operation: old ? 'UPDATE' : 'CREATE',
      user: { name: 'admin', groups: [] },
      dryRun: false,
      store: reader(objs),
    });
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).code).toBe(500);
    const msg = (e as ApiError).message;
    expect(msg.startsWith('admission webhook "vsidecarset.kb.io" denied the request: ')).toBe(true);
    return msg.slice('admission webhook "vsidecarset.kb.io" denied the request: '.length);
  }
}

const logAgent = { name: 'log-agent', image: 'docker.io/fluent/fluent-bit:3.1.9' };
const base = () => ({ selector: { matchLabels: { app: 'web' } }, containers: [{ ...logAgent }] });

describe('SidecarSet mutating webhook', () => {
  it('applies the defaults of apis/apps/defaults/v1beta1.go', () => {
    const out = mutateSidecarSet(
      ss('log', { ...base(), volumes: [{ name: 'cfg', configMap: { name: 'x' } }], patchPodMetadata: [{ annotations: { a: 'b' } }] }),
    );
    const spec = out.spec as SidecarSet['spec'];
    expect(spec.updateStrategy).toEqual({ type: 'RollingUpdate', maxUnavailable: 1, partition: 0 });
    expect(spec.revisionHistoryLimit).toBe(10);
    expect(spec.injectionStrategy).toEqual({});
    expect(spec.containers?.[0]).toEqual({
      name: 'log-agent',
      image: 'docker.io/fluent/fluent-bit:3.1.9',
      imagePullPolicy: 'IfNotPresent',
      podInjectPolicy: 'BeforeAppContainer',
      upgradeStrategy: { upgradeType: 'ColdUpgrade' },
      shareVolumePolicy: { type: 'disabled' },
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
      resources: {},
    });
    expect(spec.volumes).toEqual([{ name: 'cfg', configMap: { name: 'x', defaultMode: 420 } }]);
    expect(spec.patchPodMetadata).toEqual([{ annotations: { a: 'b' }, patchPolicy: 'Retain' }]);
    const latest = mutateSidecarSet(
      ss('l', { ...base(), containers: [{ name: 'x', image: 'busybox' }], initContainers: [{ name: 'i', image: 'busybox:1' }] }),
    );
    expect((latest.spec as SidecarSet['spec']).containers?.[0]?.imagePullPolicy).toBe('Always');
    expect((latest.spec as SidecarSet['spec']).initContainers?.[0]?.podInjectPolicy).toBe('AfterAppContainer');
    const rev = mutateSidecarSet(ss('r', { ...base(), injectionStrategy: { revision: { revisionName: 'r-abc' } } }));
    expect((rev.spec as SidecarSet['spec']).injectionStrategy?.revision?.policy).toBe('Always');
  });

  it('writes both hashes; an image change moves only the first, anything else moves both', () => {
    const a = mutateSidecarSet(ss('log', base())).metadata.annotations ?? {};
    const img =
      mutateSidecarSet(ss('log', { ...base(), containers: [{ ...logAgent, image: 'docker.io/fluent/fluent-bit:3.2.0' }] })).metadata
        .annotations ?? {};
    const env =
      mutateSidecarSet(ss('log', { ...base(), containers: [{ ...logAgent, env: [{ name: 'A', value: '1' }] }] })).metadata.annotations ??
      {};
    const strategy =
      mutateSidecarSet(ss('log', { ...base(), updateStrategy: { paused: true }, volumes: [{ name: 'v', emptyDir: {} }] })).metadata
        .annotations ?? {};
    const h = 'kruise.io/sidecarset-hash';
    const w = 'kruise.io/sidecarset-hash-without-image';
    expect(a[h]).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{64}$/);
    expect(img[h]).not.toBe(a[h]);
    expect(img[w]).toBe(a[w]);
    expect(env[h]).not.toBe(a[h]);
    expect(env[w]).not.toBe(a[w]);
    expect(strategy[h]).toBe(a[h]);
    // Ordinary init containers are not hashed; a native sidecar brings the whole list in.
    const init = mutateSidecarSet(ss('log', { ...base(), initContainers: [{ name: 'i', image: 'busybox:1' }] })).metadata.annotations ?? {};
    expect(init[h]).toBe(a[h]);
    const native =
      mutateSidecarSet(ss('log', { ...base(), initContainers: [{ name: 'i', image: 'busybox:1', restartPolicy: 'Always' }] })).metadata
        .annotations ?? {};
    expect(native[h]).not.toBe(a[h]);
    // User-written values are overwritten.
    const forged = mutateSidecarSet(ss('log', base(), { annotations: { [h]: 'forged' } })).metadata.annotations ?? {};
    expect(forged[h]).toBe(a[h]);
  });
});

describe('ControllerRevision hashing', () => {
  it('fnv32 is FNV-1 (Go hash/fnv New32) and names use the safe alphabet', () => {
    expect(fnv32('')).toBe(0x811c9dc5);
    expect(fnv32('a')).toBe(0x050c5d7e);
    expect(safeEncodeString('0123456789')).toBe('456789bcdf');
    const h = controllerRevisionHash(revisionDataJson({ containers: [] }), 0);
    expect(h).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(controllerRevisionHash(revisionDataJson({ containers: [] }), 1)).not.toBe(h);
  });

  it('gives the hashes and the revision name real Kruise v1.9.0 gave for the same SidecarSet', () => {
    const everywhere = mutateSidecarSet({
      apiVersion: 'apps.kruise.io/v1beta1',
      kind: 'SidecarSet',
      metadata: { name: 'everywhere' },
      spec: {
        selector: { matchExpressions: [{ key: 'mesh', operator: 'In', values: ['sys', 'early'] }] },
        containers: [{ name: 'everywhere', image: 'docker.io/library/busybox:1.36' }],
      },
    }) as unknown as SidecarSet;
    expect(everywhere.metadata.annotations).toEqual({
      'kruise.io/sidecarset-hash': 'bzx9vzbvwbvvz42bbv4vx29vx4v47469dcz79wvvfw7c5v98fbz2b54899fz6zcb',
      'kruise.io/sidecarset-hash-without-image': '48v22df42z28b425zv2b442dx7cbcc4d47c5vw2xc58462z84c96z4664z842b8x',
    });
    // Kruise always passes its collision count, so "0" is hashed after the data.
    expect(controllerRevisionHash(revisionDataJson(everywhere.spec), 0)).toBe('7d9d4bd899');
  });
});

describe('conversion', () => {
  it('v1alpha1 spec.namespace wins over namespaceSelector; the custom-version label becomes spec.customVersion', () => {
    const alpha = {
      apiVersion: 'apps.kruise.io/v1alpha1',
      kind: 'SidecarSet',
      metadata: { name: 'log', labels: { 'apps.kruise.io/sidecarset-custom-version': 'v2', team: 'obs' } },
      spec: { ...base(), namespace: 'shop', namespaceSelector: { matchLabels: { team: 'x' } } },
    } as KObject;
    const beta = convertSidecarSet(alpha, 'apps.kruise.io/v1beta1');
    expect(beta.apiVersion).toBe('apps.kruise.io/v1beta1');
    expect(beta.metadata.labels).toEqual({ team: 'obs' });
    expect(beta.spec).toEqual({
      ...base(),
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } },
      customVersion: 'v2',
    });
    const back = convertSidecarSet(beta, 'apps.kruise.io/v1alpha1');
    expect(back.metadata.labels).toEqual({ team: 'obs', 'apps.kruise.io/sidecarset-custom-version': 'v2' });
    expect(back.spec).toEqual({ ...base(), namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } } });
  });
});

describe('SidecarSet validating webhook (pkg/webhook/sidecarset/validating)', () => {
  it('accepts a plain SidecarSet', () => {
    expect(validate(ss('log', base()))).toBeUndefined();
  });

  it('rejects a name with a dot', () => {
    expect(validate(ss('log.v2', base()))).toBe(
      `metadata.name: Invalid value: "log.v2": sidecarset name must consist of alphanumeric characters or '-' (e.g. 'example-com', regex used for validation is '^[a-zA-Z0-9\\-]+$')`,
    );
  });

  it('selector: missing, empty, invalid', () => {
    expect(validate(ss('log', { containers: [logAgent] }))).toBe('spec.selector: Required value: no selector defined for SidecarSet');
    expect(validate(ss('log', { ...base(), selector: {} }))).toBe(
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is not valid for sidecarset.',
    );
    const bad = validate(ss('log', { ...base(), selector: { matchExpressions: [{ key: 'app', operator: 'In' }] } }));
    expect(bad).toMatch(
      /^\[spec\.selector\.matchExpressions\[0\]\.values: Required value: must be specified when `operator` is 'In' or 'NotIn', spec\.selector\.selector: Invalid value: /,
    );
    expect(validate(ss('log', { ...base(), namespaceSelector: {} }))).toMatch(
      /^spec\.namespaceSelector: Invalid value: .*: empty selector is not valid for sidecarset\.$/,
    );
  });

  it('partition and updateStrategy.selector cannot be used together (but partition 0 can)', () => {
    const sel = { matchLabels: { canary: 'true' } };
    expect(validate(ss('log', { ...base(), updateStrategy: { partition: 0, selector: sel } }))).toBeUndefined();
    expect(validate(ss('log', { ...base(), updateStrategy: { partition: '0%', selector: sel } }))).toMatch(
      /^updateStrategy: Invalid value: ".*": Partition and Selector cannot be used together$/,
    );
    expect(validate(ss('log', { ...base(), updateStrategy: { partition: 3, selector: sel } }))).toMatch(
      /Partition and Selector cannot be used together$/,
    );
    // NotUpdate skips the strategy checks.
    expect(validate(ss('log', { ...base(), updateStrategy: { type: 'NotUpdate', partition: 3, selector: sel } }))).toBeUndefined();
  });

  it('partition / maxUnavailable values', () => {
    expect(validate(ss('log', { ...base(), updateStrategy: { partition: 'abc' } }))).toBe(
      `spec.updateStrategy.partition: Invalid value: "abc": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')`,
    );
    expect(validate(ss('log', { ...base(), updateStrategy: { maxUnavailable: -1 } }))).toBe(
      'spec.updateStrategy.maxUnavailable: Invalid value: -1: must be greater than or equal to 0',
    );
    expect(validate(ss('log', { ...base(), updateStrategy: { maxUnavailable: 0, partition: '150%' } }))).toBeUndefined();
    // Unknown types are accepted and skip the strategy validation (quirk).
    expect(validate(ss('log', { ...base(), updateStrategy: { type: 'Whatever', partition: 'abc' } }))).toBeUndefined();
  });

  it('priority and scatter strategies', () => {
    expect(
      validate(
        ss('log', {
          ...base(),
          updateStrategy: {
            priorityStrategy: {
              weightPriority: [{ weight: 101, matchSelector: { matchLabels: { a: 'b' } } }],
              orderPriority: [{ orderedKey: 'x' }],
            },
          },
        }),
      ),
    ).toBe(
      '[spec.updateStrategy.priorityStrategy: Required value: only one of weightPriority and orderPriority can be used, spec.updateStrategy.priorityStrategy: Required value: weight must be valid number in the range 1-100]',
    );
    expect(
      validate(
        ss('log', {
          ...base(),
          updateStrategy: {
            scatterStrategy: [
              { key: 'zone', value: 'a' },
              { key: 'zone', value: 'a' },
            ],
          },
        }),
      ),
    ).toBe('spec.updateStrategy.scatterStrategy: Required value: duplicated key=zone value=a');
  });

  it('containers: none, missing image, unknown mount, bad policies', () => {
    expect(validate(ss('log', { selector: { matchLabels: { app: 'web' } } }))).toBe(
      'spec: Required value: no initContainer or container defined for SidecarSet',
    );
    expect(validate(ss('log', { ...base(), containers: [{ name: 'log-agent' }] }))).toBe('spec.containers[0].image: Required value');
    expect(validate(ss('log', { ...base(), containers: [{ ...logAgent, volumeMounts: [{ name: 'logs', mountPath: '/var/log' }] }] }))).toBe(
      'spec.containers[0].volumeMounts[0].name: Not found: "logs"',
    );
    expect(validate(ss('log', { ...base(), containers: [{ ...logAgent, podInjectPolicy: 'Sideways' }] }))).toBe(
      'spec.container.podInjectPolicy: Invalid value: "Sideways": unsupported pod inject policy',
    );
    expect(validate(ss('log', { ...base(), containers: [{ ...logAgent }, { ...logAgent }] }))).toBe(
      'spec.containers[1].name: Duplicate value: "log-agent"',
    );
    expect(
      validate(
        ss('log', {
          ...base(),
          containers: [
            { ...logAgent, transferEnv: [{ sourceContainerNameFrom: { fieldRef: { fieldPath: 'metadata.name' } }, envName: 'X' }] },
          ],
        }),
      ),
    ).toBe(
      'spec.containers[0].transferEnv[0].sourceContainerNameFrom.fieldRef.fieldPath: Invalid value: "metadata.name": error converting fieldPath: field label not supported: metadata.name',
    );
  });

  it('resourcesPolicy rules', () => {
    const rp = (o: Record<string, unknown>) => ss('log', { ...base(), containers: [{ ...logAgent, ...o }] });
    const ok = { targetContainersMode: 'sum', resourcesExpr: { limits: { cpu: 'max(cpu*50%, 50m)' } } };
    expect(validate(rp({ resourcesPolicy: ok }))).toBeUndefined();
    expect(validate(rp({ resourcesPolicy: ok, resources: { limits: { cpu: '1' } } }))).toMatch(
      /resourcesPolicy and resources cannot be configured together$/,
    );
    expect(validate(rp({ resourcesPolicy: { targetContainersMode: 'sum', resourcesExpr: {} } }))).toMatch(
      /at least one of limits or requests must be configured$/,
    );
    expect(validate(rp({ resourcesPolicy: { ...ok, resourcesExpr: { limits: { cpu: 'cpu**' } } } }))).toMatch(/invalid expression: /);
    expect(
      validate(
        ss('log', {
          ...base(),
          updateStrategy: { type: 'NotUpdate' },
          initContainers: [{ name: 'i', image: 'busybox:1', resourcesPolicy: ok }],
        }),
      ),
    ).toMatch(/resourcesPolicy is only supported for containers with RestartPolicy Always$/);
  });

  it('native sidecar init containers refuse RollingUpdate', () => {
    expect(validate(ss('log', { ...base(), initContainers: [{ name: 'i', image: 'busybox:1', restartPolicy: 'Always' }] }))).toBe(
      'spec.updateStrategy: Required value: The initContainer in-place upgrade is not currently supported.',
    );
    expect(
      validate(
        ss('log', {
          ...base(),
          updateStrategy: { type: 'NotUpdate' },
          initContainers: [{ name: 'i', image: 'busybox:1', restartPolicy: 'Always' }],
        }),
      ),
    ).toBeUndefined();
  });

  it('injectionStrategy.revision must exist (so it cannot be set at creation)', () => {
    expect(validate(ss('log', { ...base(), injectionStrategy: { revision: { revisionName: 'log-abc' } } }))).toMatch(
      /^revision: Invalid value: "null": Cannot find specific ControllerRevision, err: ControllerRevision\.apps "log-abc" not found$/,
    );
    expect(validate(ss('log', { ...base(), injectionStrategy: { revision: { policy: 'Always' } } }))).toMatch(
      /^revision: Invalid value: .*: revisionName and customVersion cannot be empty simultaneously$/,
    );
  });

  it('patchPodMetadata needs the whitelist unless the feature gate is on', () => {
    expect(validate(ss('log', { ...base(), patchPodMetadata: [{ annotations: { 'x/y': 'z' } }] }))).toBe(
      'spec.patchPodMetadata: Required value: SidecarSet patch metadata whitelist not found',
    );
  });

  it('on update, container names and upgradeType are immutable; removing is fine', () => {
    const old = ss('log', { ...base(), containers: [{ ...logAgent }, { name: 'b', image: 'busybox:1' }] });
    expect(validate(ss('log', { ...base(), containers: [{ ...logAgent, image: 'x:2' }] }), old)).toBeUndefined();
    expect(validate(ss('log', { ...base(), containers: [{ name: 'c', image: 'busybox:1' }] }), old)).toBe(
      'spec.containers.name: Invalid value: "c": container c is not found',
    );
    expect(
      validate(
        ss('log', {
          ...base(),
          containers: [{ ...logAgent, upgradeStrategy: { upgradeType: 'HotUpgrade', hotUpgradeEmptyImage: 'e:1' } }],
        }),
        old,
      ),
    ).toBe('spec.containers.upgradeStrategy.upgradeType: Invalid value: "HotUpgrade": container log-agent upgradeType is immutable');
  });

  it('conflicts with overlapping SidecarSets, canaries excepted', () => {
    const other = stored(
      ss('other', { selector: { matchLabels: { tier: 'web' } }, containers: [{ ...logAgent }], volumes: [{ name: 'v', emptyDir: {} }] }),
    );
    const objs = { 'apps.kruise.io/sidecarsets': [other] };
    // Selectors on different keys overlap.
    expect(validate(ss('log', base()), undefined, objs)).toBe(
      'spec.containers: Invalid value: "log-agent": container log-agent already exist in other',
    );
    // Disjoint on the same key.
    const disjoint = stored(ss('other', { selector: { matchLabels: { app: 'api' } }, containers: [{ ...logAgent }] }));
    expect(validate(ss('log', base()), undefined, { 'apps.kruise.io/sidecarsets': [disjoint] })).toBeUndefined();
    // Exists on a key the other side lacks counts as disjoint.
    const exists = stored(
      ss('other', { selector: { matchExpressions: [{ key: 'mesh', operator: 'Exists' }] }, containers: [{ ...logAgent }] }),
    );
    expect(validate(ss('log', base()), undefined, { 'apps.kruise.io/sidecarsets': [exists] })).toBeUndefined();
    // Volumes of the same name must be identical.
    expect(
      validate(
        ss('log', { ...base(), containers: [{ name: 'x', image: 'x:1' }], volumes: [{ name: 'v', hostPath: { path: '/x' } }] }),
        undefined,
        objs,
      ),
    ).toBe('spec.volumes: Invalid value: "v": volume v is in conflict with sidecarset other');
    // A canary of `other` may reuse its containers, but must be NotUpdate.
    const canary = (type: string) =>
      ss(
        'other-canary',
        { ...base(), updateStrategy: { type } },
        { annotations: { 'apps.kruise.io/sidecarset-canary': 'true', 'apps.kruise.io/sidecarset-base': 'other' } },
      );
    expect(validate(canary('NotUpdate'), undefined, objs)).toBeUndefined();
    // Each canary error shows the whole annotations map (with the hashes the mutating webhook wrote).
    const shown =
      /^metadata: Invalid value: map\[string\]string\{"apps\.kruise\.io\/sidecarset-base":"other", "apps\.kruise\.io\/sidecarset-canary":"true", "kruise\.io\/sidecarset-hash":"\w+", "kruise\.io\/sidecarset-hash-without-image":"\w+"\}: /;
    expect(validate(canary('RollingUpdate'), undefined, objs)).toMatch(
      new RegExp(`${shown.source}RollingUpdate is not supported for canary sidecarSet$`),
    );
    expect(validate(canary('NotUpdate'), undefined, {})).toMatch(
      new RegExp(`${shown.source}fetch base sidecarSet\\[other\\] failed: SidecarSet\\.apps\\.kruise\\.io "other" not found$`),
    );
  });

  it('aggregates several errors in brackets, in rule order', () => {
    expect(validate(ss('a.b', { containers: [{ name: 'x' }] }))).toBe(
      `[metadata.name: Invalid value: "a.b": sidecarset name must consist of alphanumeric characters or '-' (e.g. 'example-com', regex used for validation is '^[a-zA-Z0-9\\-]+$'), spec.selector: Required value: no selector defined for SidecarSet, spec.containers[0].image: Required value]`,
    );
  });

  it('skips status writes', () => {
    const plugin = sidecarSetWebhook();
    const ctx = { operation: 'UPDATE' as const, user: { name: 'x', groups: [] }, dryRun: false, store: reader({}), subresource: 'status' };
    expect(plugin.mutate?.(ss('a.b', {}), undefined, ctx)).toBeUndefined();
    expect(() => plugin.validate?.(ss('a.b', {}), undefined, ctx)).not.toThrow();
  });
});

// ---------------------------------------------------------------------------------------------

function pod(name: string, labels: Record<string, string>, spec: Partial<Pod['spec']> = {}, ns = 'shop'): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels },
    spec: {
      containers: [
        {
          name: 'app',
          image: 'docker.io/library/nginx:1.27',
          env: [{ name: 'LOG_DIR', value: '/logs' }],
          volumeMounts: [{ name: 'data', mountPath: '/data' }],
        },
      ],
      volumes: [{ name: 'data', emptyDir: {} }],
      ...spec,
    },
  };
}

const NOW = () => new Date('2025-11-20T08:00:00.000Z');

describe('pod injection (pkg/webhook/pod/mutating/sidecarset.go)', () => {
  const mesh = stored(
    ss('mesh', {
      selector: { matchLabels: { app: 'web' } },
      containers: [
        {
          name: 'envoy',
          image: 'docker.io/envoyproxy/envoy:v1.31.2',
          upgradeStrategy: { upgradeType: 'HotUpgrade', hotUpgradeEmptyImage: 'openkruise/hotupgrade-sample:empty' },
        },
      ],
    }),
    { matchedPods: 0, updatedPods: 0, readyPods: 0, latestRevision: 'mesh-7c9d5f8b6' },
  );
  const log = stored(
    ss('log', {
      selector: { matchLabels: { app: 'web' } },
      namespaceSelector: { matchLabels: { team: 'commerce' } },
      containers: [
        {
          name: 'log-agent',
          image: 'docker.io/fluent/fluent-bit:3.1.9',
          podInjectPolicy: 'AfterAppContainer',
          volumeMounts: [{ name: 'logs', mountPath: '/var/log/app' }],
        },
        {
          name: 'app',
          image: 'docker.io/library/nginx:1.27-sidecar',
          env: [{ name: 'LOG_DIR', value: 'mine' }],
          transferEnv: [{ sourceContainerName: 'app', envNames: ['LOG_DIR'] }],
        },
      ],
      initContainers: [
        { name: 'z-init', image: 'busybox:1.36' },
        { name: 'a-init', image: 'busybox:1.36' },
      ],
      volumes: [
        { name: 'logs', emptyDir: {} },
        { name: 'unused', emptyDir: {} },
        { name: 'data', hostPath: { path: '/ignored' } },
      ],
      imagePullSecrets: [{ name: 'regcred' }, { name: 'other' }],
    }),
    { matchedPods: 0, updatedPods: 0, readyPods: 0, latestRevision: 'log-5d8f7b9c4' },
  );
  const objs = { namespaces, 'apps.kruise.io/sidecarsets': [mesh, log] };

  it('puts sidecars in order with IS_INJECTED, volumes, secrets and annotations', () => {
    const p = pod(
      'web-1',
      { app: 'web' },
      { imagePullSecrets: [{ name: 'regcred' }], initContainers: [{ name: 'own-init', image: 'busybox:1' }] },
    );
    const out = injectPod(p, reader(objs), { now: NOW }) as Pod;
    // Namespaced SidecarSets first (log), then cluster-wide (mesh). Before-policy in front; the
    // sidecar named like the app container replaces it in place; After-policy at the end.
    expect(out.spec.containers.map((c) => c.name)).toEqual(['envoy-1', 'envoy-2', 'app', 'log-agent']);
    expect(out.spec.containers[2]?.image).toBe('docker.io/library/nginx:1.27-sidecar');
    // Its own LOG_DIR wins over the transferred one.
    expect(out.spec.containers[2]?.env).toEqual([
      { name: 'LOG_DIR', value: 'mine' },
      { name: 'IS_INJECTED', value: 'true' },
    ]);
    expect(out.spec.initContainers?.map((c) => c.name)).toEqual(['own-init', 'a-init', 'z-init']);
    expect(out.spec.volumes).toEqual([
      { name: 'data', emptyDir: {} },
      { name: 'logs', emptyDir: {} },
    ]);
    expect(out.spec.imagePullSecrets).toEqual([{ name: 'regcred' }, { name: 'other' }]);
    const ann = out.metadata.annotations ?? {};
    expect(ann['kruise.io/sidecarset-injected-list']).toBe('log,mesh');
    expect(JSON.parse(ann['kruise.io/sidecarset-hash'] ?? '')).toEqual({
      log: {
        updateTimestamp: '2025-11-20T08:00:00Z',
        hash: log.metadata.annotations?.['kruise.io/sidecarset-hash'],
        sidecarSetName: 'log',
        sidecarList: ['log-agent', 'app'],
        controllerRevision: 'log-5d8f7b9c4',
      },
      mesh: {
        updateTimestamp: '2025-11-20T08:00:00Z',
        hash: mesh.metadata.annotations?.['kruise.io/sidecarset-hash'],
        sidecarSetName: 'mesh',
        sidecarList: ['envoy'],
        controllerRevision: 'mesh-7c9d5f8b6',
      },
    });
    expect(JSON.parse(ann['kruise.io/sidecarset-hash-without-image'] ?? '').mesh).toEqual({
      updateTimestamp: '2025-11-20T08:00:00Z',
      hash: mesh.metadata.annotations?.['kruise.io/sidecarset-hash-without-image'],
      sidecarSetName: 'mesh',
      sidecarList: ['envoy'],
    });
    expect(ann['kruise.io/sidecarset-working-hotupgrade-container']).toBe('{"envoy":"envoy-1"}');
    expect(ann['version.sidecarset.kruise.io/envoy-1']).toBe('1');
    expect(ann['version.sidecarset.kruise.io/envoy-2']).toBe('0');
    expect(ann['versionalt.sidecarset.kruise.io/envoy-1']).toBe('0');
    expect(ann['versionalt.sidecarset.kruise.io/envoy-2']).toBe('1');
    expect(out.spec.containers[1]?.image).toBe('openkruise/hotupgrade-sample:empty');
    expect(out.spec.containers[1]?.env).toEqual([
      { name: 'IS_INJECTED', value: 'true' },
      {
        name: 'SIDECARSET_VERSION',
        valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: "metadata.annotations['version.sidecarset.kruise.io/envoy-2']" } },
      },
      {
        name: 'SIDECARSET_VERSION_ALT',
        valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: "metadata.annotations['versionalt.sidecarset.kruise.io/envoy-2']" } },
      },
    ]);
    // Kruise-only fields never reach the pod.
    expect(Object.keys(out.spec.containers[0] ?? {})).not.toContain('upgradeStrategy');
  });

  it('skips control-plane namespaces, non-matching pods and paused injection', () => {
    expect(injectPod(pod('x', { app: 'web' }, {}, 'kube-system'), reader(objs))).toBeUndefined();
    expect(injectPod(pod('x', { app: 'api' }), reader(objs))).toBeUndefined();
    const paused = stored(ss('mesh', { ...(mesh.spec as object), injectionStrategy: { paused: true } }));
    const out = injectPod(pod('x', { app: 'web' }), reader({ namespaces, 'apps.kruise.io/sidecarsets': [paused, log] })) as Pod;
    expect(out.metadata.annotations?.['kruise.io/sidecarset-injected-list']).toBe('log');
  });

  it('a canary SidecarSet replaces its base for the pods it matches', () => {
    const canary = stored(
      ss(
        'mesh-canary',
        {
          selector: { matchLabels: { canary: 'true' } },
          updateStrategy: { type: 'NotUpdate' },
          containers: [{ name: 'envoy', image: 'docker.io/envoyproxy/envoy:v1.32.0' }],
        },
        {
          annotations: { 'apps.kruise.io/sidecarset-canary': 'true', 'apps.kruise.io/sidecarset-base': 'mesh' },
        },
      ),
    );
    const r = reader({ namespaces, 'apps.kruise.io/sidecarsets': [mesh, canary] });
    const c = injectPod(pod('c', { app: 'web', canary: 'true' }), r) as Pod;
    expect(c.metadata.annotations?.['kruise.io/sidecarset-injected-list']).toBe('mesh-canary');
    expect(c.spec.containers.map((x) => `${x.name}=${x.image}`)).toEqual([
      'envoy=docker.io/envoyproxy/envoy:v1.32.0',
      'app=docker.io/library/nginx:1.27',
    ]);
    const n = injectPod(pod('n', { app: 'web' }), r) as Pod;
    expect(n.metadata.annotations?.['kruise.io/sidecarset-injected-list']).toBe('mesh');
  });

  it('shareVolumePolicy copies the app mounts and the envs of subPathExpr', () => {
    const share = stored(
      ss('share', {
        selector: { matchLabels: { app: 'web' } },
        containers: [{ name: 'collector', image: 'otel/opentelemetry-collector:0.111.0', shareVolumePolicy: { type: 'enabled' } }],
      }),
    );
    const p = pod('s', { app: 'web' });
    p.spec.containers[0]!.volumeMounts = [
      { name: 'data', mountPath: '/data' },
      { name: 'data', mountPath: '/per-pod', subPathExpr: '$(LOG_DIR)' },
    ];
    const out = injectPod(p, reader({ namespaces, 'apps.kruise.io/sidecarsets': [share] })) as Pod;
    const c = out.spec.containers[0];
    expect(c?.volumeMounts).toEqual([
      { name: 'data', mountPath: '/data' },
      { name: 'data', mountPath: '/per-pod', subPathExpr: '$(LOG_DIR)' },
    ]);
    expect(c?.env).toEqual([
      { name: 'IS_INJECTED', value: 'true' },
      { name: 'LOG_DIR', value: '/logs' },
    ]);
  });

  it('resourcesPolicy sums or maxes the targets; a missing limit means no limit', () => {
    const mk = (mode: string) =>
      stored(
        ss('res', {
          selector: { matchLabels: { app: 'web' } },
          containers: [
            {
              name: 'agent',
              image: 'agent:1',
              resourcesPolicy: {
                targetContainersMode: mode,
                targetContainersNameRegex: '^(app|worker)$',
                resourcesExpr: { limits: { cpu: 'max(cpu*50%, 50m)', memory: '200Mi' }, requests: { cpu: 'cpu*10%', memory: 'memory/2' } },
              },
            },
          ],
        }),
      );
    const p = pod(
      'r',
      { app: 'web' },
      {
        containers: [
          { name: 'app', image: 'a:1', resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m', memory: '512Mi' } } },
          { name: 'worker', image: 'w:1', resources: { limits: { cpu: '2' }, requests: { cpu: '1500m' } } },
        ],
      },
    );
    const sum = injectPod(p, reader({ namespaces, 'apps.kruise.io/sidecarsets': [mk('sum')] })) as Pod;
    // `worker` has no memory limit, so the sidecar gets none either, whatever the expression says.
    expect(sum.spec.containers[0]?.resources).toEqual({ limits: { cpu: '1500m' }, requests: { cpu: '200m', memory: '256Mi' } });
    const max = injectPod(p, reader({ namespaces, 'apps.kruise.io/sidecarsets': [mk('max')] })) as Pod;
    expect(max.spec.containers[0]?.resources).toEqual({ limits: { cpu: '1' }, requests: { cpu: '150m', memory: '256Mi' } });
    const none = pod('r2', { app: 'web' }, { containers: [{ name: 'other', image: 'o:1' }] });
    expect(() => injectPod(none, reader({ namespaces, 'apps.kruise.io/sidecarsets': [mk('sum')] }))).toThrow(
      /^admission webhook "mpod\.kb\.io" denied the request: .*targetContainersNameRegex/,
    );
  });

  it('injectionStrategy.revision: Always injects the historical spec, Partial draws with the partition percentage', () => {
    const old = stored(ss('log2', { selector: { matchLabels: { app: 'web' } }, containers: [{ name: 'agent', image: 'agent:1' }] }));
    const rev: KObject = {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: { name: 'log2-abc', namespace: 'kruise-system', labels: { 'kruise.io/sidecarset-name': 'log2' } },
      data: JSON.parse(revisionDataJson(old.spec as SidecarSet['spec'])),
      revision: 1,
    };
    const current = (policy: string, partition: number | string) =>
      stored(
        ss('log2', {
          selector: { matchLabels: { app: 'web' } },
          containers: [{ name: 'agent', image: 'agent:2' }],
          updateStrategy: { partition },
          injectionStrategy: { revision: { revisionName: 'log2-abc', policy } },
        }),
        { matchedPods: 0, updatedPods: 0, readyPods: 0, latestRevision: 'log2-def' },
      );
    const objsFor = (s: KObject) => reader({ namespaces, 'apps.kruise.io/sidecarsets': [s], 'apps/controllerrevisions': [rev] });
    const always = injectPod(pod('a', { app: 'web' }), objsFor(current('Always', 0))) as Pod;
    expect(always.spec.containers[0]?.image).toBe('agent:1');
    const hash = JSON.parse(always.metadata.annotations?.['kruise.io/sidecarset-hash'] ?? '').log2;
    expect(hash.hash).toBe(old.metadata.annotations?.['kruise.io/sidecarset-hash']);
    expect(hash.controllerRevision).toBe('log2-abc');
    // Partial with an int partition: always the latest.
    expect((injectPod(pod('b', { app: 'web' }), objsFor(current('Partial', 0))) as Pod).spec.containers[0]?.image).toBe('agent:2');
    // Partial with "70%": about 70% get the old version, reproducibly with a seed.
    const random = seededRandom(42);
    let oldCount = 0;
    for (let i = 0; i < 200; i++) {
      const out = injectPod(pod(`p${i}`, { app: 'web' }), objsFor(current('Partial', '70%')), { random }) as Pod;
      if (out.spec.containers[0]?.image === 'agent:1') oldCount++;
    }
    expect(oldCount).toBeGreaterThan(120);
    expect(oldCount).toBeLessThan(160);
    // A missing revision fails pod creation with a 500.
    const missing = reader({ namespaces, 'apps.kruise.io/sidecarsets': [current('Always', 0)] });
    try {
      injectPod(pod('m', { app: 'web' }), missing);
      expect.unreachable();
    } catch (e) {
      expect((e as ApiError).code).toBe(500);
    }
  });
});
