import { describe, expect, it } from 'vitest';
import type { ControllerRevision, SidecarSet } from './k8s-types';
import {
  applyChange,
  buildCanary,
  buildPause,
  buildPromote,
  buildResume,
  buildRollback,
  canaryLabelKey,
  formatDiff,
  promoteCoversAll,
  revisionImages,
  seenFrom,
  validateUpdateStrategy,
} from './rollout-actions';
import { parseIntOrPercent } from './int-or-percent';
import { type JsonPatchOp, jsonPatch, PatchRejected, pointer } from './json-patch';
import { partitionIsSet } from './sidecarset-validation';

/** `kubectl get sidecarset mesh -o json` on a v1beta1 cluster, after the webhook's defaults. */
function meshSidecarSet(strategy: Record<string, unknown> = { type: 'RollingUpdate', partition: 0, maxUnavailable: 1 }): SidecarSet {
  return {
    apiVersion: 'apps.kruise.io/v1beta1',
    kind: 'SidecarSet',
    metadata: {
      name: 'mesh',
      uid: '6c1d7f0e-1b55-4d8b-a0e4-5f8c1f3a2b10',
      resourceVersion: '81234',
      generation: 4,
      creationTimestamp: '2026-01-12T09:30:00Z',
      annotations: {
        'kruise.io/sidecarset-hash': 'b7x9wd4v2c5zq8mfx2lk4n9h6s7t8g5r4p2j9c6v4w8x2z5b7d9f2g4h6k8l2m4n',
        'kruise.io/sidecarset-hash-without-image': 'w4n9h6s7t8g5r4p2j9c6v4w8x2z5b7d9f2g4h6k8l2m4nb7x9wd4v2c5zq8mfx2lk',
      },
    },
    spec: {
      selector: { matchLabels: { 'sidecar.istio.io/inject': 'true' } },
      updateStrategy: strategy,
      injectionStrategy: {},
      revisionHistoryLimit: 10,
      containers: [
        {
          name: 'istio-proxy',
          image: 'docker.io/istio/proxyv2:1.20.1',
          imagePullPolicy: 'IfNotPresent',
          args: ['proxy', 'sidecar'],
          podInjectPolicy: 'BeforeAppContainer',
          upgradeStrategy: { upgradeType: 'ColdUpgrade' },
          shareVolumePolicy: { type: 'disabled' },
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
        },
        {
          name: 'log-agent',
          image: 'fluent/fluent-bit:3.0.4',
          imagePullPolicy: 'IfNotPresent',
          podInjectPolicy: 'AfterAppContainer',
          upgradeStrategy: { upgradeType: 'ColdUpgrade' },
          shareVolumePolicy: { type: 'disabled' },
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
        },
      ],
    },
    status: {
      observedGeneration: 4,
      matchedPods: 30,
      updatedPods: 30,
      readyPods: 30,
      updatedReadyPods: 30,
      latestRevision: 'mesh-7c9b8f6d5',
      collisionCount: 0,
    },
  };
}

const DEFAULT_STRATEGY = { type: 'RollingUpdate', partition: 0, maxUnavailable: 1 };
const STRATEGY_TEST: JsonPatchOp = { op: 'test', path: '/spec/updateStrategy', value: DEFAULT_STRATEGY };

function expectOk(r: ReturnType<typeof buildCanary>) {
  if (!r.ok) throw new Error(`refused: ${r.message}`);
  return r.change;
}

describe('seenFrom', () => {
  it('keeps what the write guards need and nothing else', () => {
    expect(seenFrom(meshSidecarSet())).toEqual({
      name: 'mesh',
      resourceVersion: '81234',
      generation: 4,
      hash: 'b7x9wd4v2c5zq8mfx2lk4n9h6s7t8g5r4p2j9c6v4w8x2z5b7d9f2g4h6k8l2m4n',
      containers: [
        { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.20.1' },
        { name: 'log-agent', image: 'fluent/fluent-bit:3.0.4' },
      ],
      updateStrategy: DEFAULT_STRATEGY,
      matchedPods: 30,
    });
  });
});

describe('buildCanary by percent and count', () => {
  it('changes the image and the partition in one JSON Patch guarded by tests', () => {
    const change = expectOk(
      buildCanary(seenFrom(meshSidecarSet()), {
        container: 'log-agent',
        image: 'fluent/fluent-bit:3.1.0',
        scope: { kind: 'percent', percent: 10 },
      }),
    );
    expect(change.patchType).toBe('json');
    expect(change.patch).toEqual([
      { op: 'test', path: '/metadata/generation', value: 4 },
      { op: 'test', path: '/spec/containers/1/name', value: 'log-agent' },
      { op: 'test', path: '/spec/containers/1/image', value: 'fluent/fluent-bit:3.0.4' },
      STRATEGY_TEST,
      { op: 'replace', path: '/spec/containers/1/image', value: 'fluent/fluent-bit:3.1.0' },
      { op: 'add', path: '/spec/updateStrategy/partition', value: '90%' },
    ]);
    expect(change.diff).toEqual([
      { field: 'containers[1] log-agent image', before: 'fluent/fluent-bit:3.0.4', after: 'fluent/fluent-bit:3.1.0' },
      { field: 'updateStrategy.partition', before: '0', after: '"90%"' },
    ]);
    expect(change.summary).toBe('log-agent image fluent/fluent-bit:3.0.4 → fluent/fluent-bit:3.1.0; partition 0 → "90%"');
    expect(change.warnings).toEqual([]);
    const after = applyChange(meshSidecarSet(), change);
    expect(after.spec.containers?.[1]?.image).toBe('fluent/fluent-bit:3.1.0');
    expect(after.spec.containers?.[0]?.image).toBe('docker.io/istio/proxyv2:1.20.1');
    expect(after.spec.updateStrategy).toEqual({ type: 'RollingUpdate', partition: '90%', maxUnavailable: 1 });
  });

  it('fails as a whole when the SidecarSet changed since it was seen', () => {
    const change = expectOk(
      buildCanary(seenFrom(meshSidecarSet()), {
        container: 'log-agent',
        image: 'fluent/fluent-bit:3.1.0',
        scope: { kind: 'percent', percent: 10 },
      }),
    );
    const imageChanged = meshSidecarSet();
    (imageChanged.spec.containers?.[1] as { image: string }).image = 'fluent/fluent-bit:3.0.5';
    expect(() => applyChange(imageChanged, change)).toThrow(PatchRejected);
    expect(() => applyChange(meshSidecarSet({ ...DEFAULT_STRATEGY, paused: true }), change)).toThrow(PatchRejected);
    expect(() => applyChange(meshSidecarSet({ ...DEFAULT_STRATEGY, partition: '50%' }), change)).toThrow(PatchRejected);
    const reordered = meshSidecarSet();
    reordered.spec.containers?.reverse();
    expect(() => applyChange(reordered, change)).toThrow(PatchRejected);
  });

  it('turns a count into the partition that keeps the rest', () => {
    const change = expectOk(
      buildCanary(seenFrom(meshSidecarSet()), {
        container: 'istio-proxy',
        image: 'docker.io/istio/proxyv2:1.21.0',
        scope: { kind: 'count', count: 3 },
        maxUnavailable: parseIntOrPercent('10%'),
      }),
    );
    expect(applyChange(meshSidecarSet(), change).spec.updateStrategy).toEqual({
      type: 'RollingUpdate',
      partition: 27,
      maxUnavailable: '10%',
    });
  });

  it('uses an int 0 for a 100% canary ("0%" counts as a set partition for Kruise), once the name is typed', () => {
    const seen = seenFrom(meshSidecarSet({ ...DEFAULT_STRATEGY, partition: '90%' }));
    const req = { container: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.21.0', scope: { kind: 'percent' as const, percent: 100 } };
    // The whole fleet: refused without the SidecarSet's name, as Promote to the whole fleet is.
    const unconfirmed = buildCanary(seen, req);
    expect(unconfirmed.ok === false && unconfirmed.fieldErrors).toEqual({
      confirmName: ["This canary covers every matched pod: type the SidecarSet's name, mesh, to roll out to the whole fleet."],
    });
    expect(buildCanary(seen, { ...req, scope: { kind: 'count', count: seen.matchedPods } }).ok).toBe(false);
    const change = expectOk(buildCanary(seen, { ...req, confirmName: 'mesh' }));
    expect(change.patch).toContainEqual({ op: 'add', path: '/spec/updateStrategy/partition', value: 0 });
  });

  it('drops a selector left by an earlier canary, or Kruise would refuse the partition', () => {
    const strategy = { type: 'RollingUpdate', partition: 0, maxUnavailable: 1, selector: { matchLabels: { canary: 'true' } } };
    const change = expectOk(
      buildCanary(seenFrom(meshSidecarSet(strategy)), {
        container: 'istio-proxy',
        image: 'docker.io/istio/proxyv2:1.21.0',
        scope: { kind: 'percent', percent: 10 },
      }),
    );
    expect(applyChange(meshSidecarSet(strategy), change).spec.updateStrategy).toEqual({
      type: 'RollingUpdate',
      partition: '90%',
      maxUnavailable: 1,
    });
    expect(change.diff).toContainEqual({ field: 'updateStrategy.selector', before: 'canary=true', after: undefined });
  });

  it('refuses counts and percentages outside the fleet', () => {
    const seen = seenFrom(meshSidecarSet());
    const base = { container: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.21.0' };
    expect(buildCanary(seen, { ...base, scope: { kind: 'count', count: 0 } })).toEqual({
      ok: false,
      message: 'The canary must cover between 1 and 30 pods (the SidecarSet matches 30).',
      fieldErrors: { count: ['The canary must cover between 1 and 30 pods (the SidecarSet matches 30).'] },
    });
    expect(buildCanary(seen, { ...base, scope: { kind: 'count', count: 31 } }).ok).toBe(false);
    expect(buildCanary(seen, { ...base, scope: { kind: 'percent', percent: 0 } }).ok).toBe(false);
    expect(buildCanary(seen, { ...base, scope: { kind: 'percent', percent: 101 } }).ok).toBe(false);
    expect(buildCanary(seen, { ...base, scope: { kind: 'percent', percent: 2.5 } }).ok).toBe(false);
    expect(buildCanary({ ...seen, matchedPods: 0 }, { ...base, scope: { kind: 'percent', percent: 10 } }).ok).toBe(false);
  });

  it('refuses an invalid maxUnavailable with the webhook wording', () => {
    const seen = seenFrom(meshSidecarSet());
    const r = buildCanary(seen, {
      container: 'istio-proxy',
      image: 'docker.io/istio/proxyv2:1.21.0',
      scope: { kind: 'percent', percent: 10 },
      maxUnavailable: parseIntOrPercent('ten'),
    });
    expect(r).toEqual({
      ok: false,
      message:
        "admission webhook \"vsidecarset.kb.io\" would deny the request: spec.updateStrategy.maxUnavailable: Invalid value: \"ten\": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
      fieldErrors: {
        updateStrategy: [
          "spec.updateStrategy.maxUnavailable: Invalid value: \"ten\": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
        ],
      },
    });
    const negative = buildCanary(seen, {
      container: 'istio-proxy',
      image: 'docker.io/istio/proxyv2:1.21.0',
      scope: { kind: 'percent', percent: 10 },
      maxUnavailable: parseIntOrPercent('-1'),
    });
    expect(negative.ok === false && negative.fieldErrors.updateStrategy).toEqual([
      'spec.updateStrategy.maxUnavailable: Invalid value: -1: must be greater than or equal to 0',
    ]);
  });
});

describe('buildCanary: refusals about the image and the SidecarSet', () => {
  const seen = seenFrom(meshSidecarSet());
  it('refuses an invalid image before anything is sent', () => {
    const r = buildCanary(seen, { container: 'istio-proxy', image: 'Istio/Proxy:1.21', scope: { kind: 'count', count: 1 } });
    expect(r).toEqual({
      ok: false,
      message: 'The image is not valid: invalid reference format: repository name must be lowercase ("Istio").',
      fieldErrors: { image: ['invalid reference format: repository name must be lowercase ("Istio").'] },
    });
  });
  it('refuses the image the container already runs', () => {
    const r = buildCanary(seen, {
      container: 'istio-proxy',
      image: 'docker.io/istio/proxyv2:1.20.1',
      scope: { kind: 'count', count: 1 },
    });
    expect(r.ok === false && r.message).toBe('istio-proxy already runs docker.io/istio/proxyv2:1.20.1: choose a different image.');
  });
  it('refuses a container the SidecarSet does not have, as Kruise words it', () => {
    const r = buildCanary(seen, { container: 'envoy', image: 'envoyproxy/envoy:v1.30.1', scope: { kind: 'count', count: 1 } });
    expect(r.ok === false && r.message).toBe('spec.containers.name: Invalid value: "envoy": container envoy is not found');
  });
  it('refuses NotUpdate SidecarSets: there is no rollout to steer', () => {
    const r = buildCanary(seenFrom(meshSidecarSet({ type: 'NotUpdate', partition: 0, maxUnavailable: 1 })), {
      container: 'istio-proxy',
      image: 'docker.io/istio/proxyv2:1.21.0',
      scope: { kind: 'count', count: 1 },
    });
    expect(r.ok).toBe(false);
  });
  it('warns about latest and about a paused rollout', () => {
    const change = expectOk(
      buildCanary(seenFrom(meshSidecarSet({ ...DEFAULT_STRATEGY, paused: true })), {
        container: 'istio-proxy',
        image: 'docker.io/istio/proxyv2:latest',
        scope: { kind: 'count', count: 1 },
      }),
    );
    expect(change.warnings).toEqual([
      'The "latest" tag can change under you: pods upgraded at different times may run different images. Pin a version or a digest.',
      'The rollout is paused: no pod is updated until you resume it.',
    ]);
  });
});

describe('buildCanary by selector', () => {
  it('sets the selector with partition 0 (an int) in the same request as the image', () => {
    const strategy = { type: 'RollingUpdate', partition: '90%', maxUnavailable: 1 };
    const change = expectOk(
      buildCanary(seenFrom(meshSidecarSet(strategy)), {
        container: 'istio-proxy',
        image: 'docker.io/istio/proxyv2:1.21.0',
        scope: { kind: 'selector', selector: { matchLabels: { app: 'checkout' } } },
      }),
    );
    expect(change.patch).toEqual([
      { op: 'test', path: '/metadata/generation', value: 4 },
      { op: 'test', path: '/spec/containers/0/name', value: 'istio-proxy' },
      { op: 'test', path: '/spec/containers/0/image', value: 'docker.io/istio/proxyv2:1.20.1' },
      { op: 'test', path: '/spec/updateStrategy', value: strategy },
      { op: 'replace', path: '/spec/containers/0/image', value: 'docker.io/istio/proxyv2:1.21.0' },
      { op: 'add', path: '/spec/updateStrategy/partition', value: 0 },
      { op: 'add', path: '/spec/updateStrategy/selector', value: { matchLabels: { app: 'checkout' } } },
    ]);
    expect(validateUpdateStrategy(applyChange(meshSidecarSet(strategy), change).spec.updateStrategy)).toEqual([]);
  });

  it('labels exactly the chosen pods with a per-canary token and selects that token', () => {
    const pods = [
      { namespace: 'payments', name: 'api-7d4b9c6f5-abcde' },
      { namespace: 'payments', name: 'api-7d4b9c6f5-fghij' },
    ];
    const change = expectOk(
      buildCanary(seenFrom(meshSidecarSet()), {
        container: 'istio-proxy',
        image: 'docker.io/istio/proxyv2:1.21.0',
        scope: { kind: 'pods', description: 'namespace payments', pods, token: 'c8k2m4' },
      }),
    );
    expect(canaryLabelKey('mesh')).toBe('canary.sidecarfleet.io/mesh');
    expect(change.podLabels).toEqual({ key: 'canary.sidecarfleet.io/mesh', value: 'c8k2m4', pods });
    expect(applyChange(meshSidecarSet(), change).spec.updateStrategy?.selector).toEqual({
      matchLabels: { 'canary.sidecarfleet.io/mesh': 'c8k2m4' },
    });
    expect(change.summary).toContain('(2 pods of namespace payments)');
  });

  it('refuses empty and malformed selectors with the webhook wording', () => {
    const seen = seenFrom(meshSidecarSet());
    const base = { container: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.21.0' };
    const empty = buildCanary(seen, { ...base, scope: { kind: 'selector', selector: {} } });
    expect(empty.ok === false && empty.fieldErrors.updateStrategy).toEqual([
      'spec.updateStrategy.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is not valid for sidecarset.',
    ]);
    const badValue = buildCanary(seen, { ...base, scope: { kind: 'selector', selector: { matchLabels: { app: 'bad value' } } } });
    expect(badValue.ok === false && badValue.fieldErrors.updateStrategy?.[0]).toContain(
      'spec.updateStrategy.selector.matchLabels: Invalid value: "bad value": a valid label must be an empty string',
    );
    const badOp = buildCanary(seen, {
      ...base,
      scope: { kind: 'selector', selector: { matchExpressions: [{ key: 'app', operator: 'Equals', values: ['x'] }] } },
    });
    // LabelSelectorAsSelector fails on the same operator: Kruise reports the selector once more.
    expect(badOp.ok === false && badOp.fieldErrors.updateStrategy).toEqual([
      'spec.updateStrategy.selector.matchExpressions[0].operator: Invalid value: "Equals": not a valid selector operator',
      'spec.updateStrategy.selector.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"app", Operator:"Equals", Values:[]string{"x"}}}}',
    ]);
    const none = buildCanary(seen, { ...base, scope: { kind: 'pods', description: 'workload shop/web', pods: [], token: 'x' } });
    expect(none.ok === false && none.message).toBe('No matched pod in workload shop/web: the canary would cover nothing.');
  });
});

describe('validateUpdateStrategy (validateSidecarSetUpdateStrategy in pkg/webhook/sidecarset/validating)', () => {
  it('refuses a set partition with a selector, "0%" included', () => {
    expect(partitionIsSet(0)).toBe(false);
    expect(partitionIsSet('0%')).toBe(true);
    expect(partitionIsSet(3)).toBe(true);
    expect(validateUpdateStrategy({ type: 'RollingUpdate', partition: 0, selector: { matchLabels: { a: 'b' } } })).toEqual([]);
    const s = { type: 'RollingUpdate', partition: '0%', selector: { matchLabels: { a: 'b' } } };
    expect(validateUpdateStrategy(s)).toEqual([
      // fmt's %++v of the strategy: the selector and the IntOrStrings through their String methods.
      'updateStrategy: Invalid value: "&{Type:RollingUpdate Paused:false Selector:&LabelSelector{MatchLabels:map[string]string{a: b,},MatchExpressions:[]LabelSelectorRequirement{},} Partition:0% MaxUnavailable:<nil> PriorityStrategy:<nil> ScatterStrategy:[]}": Partition and Selector cannot be used together',
    ]);
  });
  it('checks partition and maxUnavailable formats; over 100% and 0 are accepted', () => {
    expect(validateUpdateStrategy({ partition: '150%', maxUnavailable: 0 })).toEqual([]);
    expect(validateUpdateStrategy({ partition: '50', maxUnavailable: -2 })).toEqual([
      "spec.updateStrategy.partition: Invalid value: \"50\": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
      'spec.updateStrategy.maxUnavailable: Invalid value: -2: must be greater than or equal to 0',
    ]);
  });
  it('skips NotUpdate and unknown types, as Kruise does', () => {
    expect(validateUpdateStrategy({ type: 'NotUpdate', partition: 'x' })).toEqual([]);
    expect(validateUpdateStrategy({ type: 'Whatever', partition: 'x' })).toEqual([]);
  });
  it('reads form values as the API would', () => {
    expect(parseIntOrPercent(' 12 ')).toBe(12);
    expect(parseIntOrPercent('-1')).toBe(-1);
    expect(parseIntOrPercent('12%')).toBe('12%');
    expect(parseIntOrPercent('1.5')).toBe('1.5');
  });
});

describe('buildPromote', () => {
  const canary = { type: 'RollingUpdate', partition: '90%', maxUnavailable: 1 };

  it('lowers the partition to a step, guarding images and strategy', () => {
    const change = expectOk(buildPromote(seenFrom(meshSidecarSet(canary)), { step: { kind: 'percent', percent: 50 } }));
    expect(change.patch).toEqual([
      { op: 'test', path: '/metadata/generation', value: 4 },
      { op: 'test', path: '/spec/containers/0/name', value: 'istio-proxy' },
      { op: 'test', path: '/spec/containers/0/image', value: 'docker.io/istio/proxyv2:1.20.1' },
      { op: 'test', path: '/spec/containers/1/name', value: 'log-agent' },
      { op: 'test', path: '/spec/containers/1/image', value: 'fluent/fluent-bit:3.0.4' },
      { op: 'test', path: '/spec/updateStrategy', value: canary },
      { op: 'add', path: '/spec/updateStrategy/partition', value: '50%' },
    ]);
    expect(change.summary).toBe('partition "90%" → "50%"');
  });

  it('asks for the name before the whole fleet, and then sets partition 0', () => {
    const seen = seenFrom(meshSidecarSet(canary));
    expect(promoteCoversAll(seen, { kind: 'all' })).toBe(true);
    expect(promoteCoversAll(seen, { kind: 'partition', partition: '0%' })).toBe(true);
    expect(promoteCoversAll(seen, { kind: 'percent', percent: 50 })).toBe(false);
    expect(buildPromote(seen, { step: { kind: 'all' } })).toEqual({
      ok: false,
      message: "Type the SidecarSet's name, mesh, to roll out to the whole fleet.",
      fieldErrors: { confirmName: ["Type the SidecarSet's name, mesh, to roll out to the whole fleet."] },
    });
    expect(buildPromote(seen, { step: { kind: 'all' }, confirmName: 'Mesh' }).ok).toBe(false);
    const change = expectOk(buildPromote(seen, { step: { kind: 'all' }, confirmName: 'mesh' }));
    expect(applyChange(meshSidecarSet(canary), change).spec.updateStrategy).toEqual({
      type: 'RollingUpdate',
      partition: 0,
      maxUnavailable: 1,
    });
  });

  it('promotes a selector canary by dropping the selector', () => {
    const strategy = { type: 'RollingUpdate', partition: 0, maxUnavailable: 1, selector: { matchLabels: { app: 'checkout' } } };
    const change = expectOk(buildPromote(seenFrom(meshSidecarSet(strategy)), { step: { kind: 'all' }, confirmName: 'mesh' }));
    expect(change.patch).toContainEqual({ op: 'remove', path: '/spec/updateStrategy/selector' });
    expect(change.patch).not.toContainEqual(expect.objectContaining({ path: '/spec/updateStrategy/partition' }));
    expect(applyChange(meshSidecarSet(strategy), change).spec.updateStrategy).toEqual({
      type: 'RollingUpdate',
      partition: 0,
      maxUnavailable: 1,
    });
  });

  it('refuses a step that would not lower the partition, or nothing to promote', () => {
    const seen = seenFrom(meshSidecarSet(canary));
    const r = buildPromote(seen, { step: { kind: 'percent', percent: 5 } });
    expect(r.ok === false && r.message).toBe(
      'Promote must lower the partition: now "90%" keeps 27 of 30 pods on the old version; "95%" would keep 29.',
    );
    expect(buildPromote(seenFrom(meshSidecarSet()), { step: { kind: 'all' }, confirmName: 'mesh' })).toEqual({
      ok: false,
      message: 'Nothing to promote: the partition already lets the rollout reach every pod.',
      fieldErrors: {},
    });
  });

  it('refuses a typed partition Kruise would refuse, with its wording', () => {
    const seen = seenFrom(meshSidecarSet(canary));
    const r = buildPromote(seen, { step: { kind: 'partition', partition: parseIntOrPercent('abc') } });
    expect(r.ok === false && r.message).toBe(
      "admission webhook \"vsidecarset.kb.io\" would deny the request: spec.updateStrategy.partition: Invalid value: \"abc\": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
    );
    const neg = buildPromote(seen, { step: { kind: 'partition', partition: parseIntOrPercent('-3') } });
    expect(neg.ok === false && neg.fieldErrors.partition).toEqual([
      'spec.updateStrategy.partition: Invalid value: -3: must be greater than or equal to 0',
    ]);
    expect(expectOk(buildPromote(seen, { step: { kind: 'partition', partition: 10 } })).summary).toBe('partition "90%" → 10');
  });
});

describe('pause and resume', () => {
  it('pauses with a JSON Patch guarded by the generation the user saw, and nothing else', () => {
    const change = expectOk(buildPause(seenFrom(meshSidecarSet())));
    expect(change.patchType).toBe('json');
    expect(change.patch).toEqual([
      { op: 'test', path: '/metadata/generation', value: 4 },
      { op: 'add', path: '/spec/updateStrategy/paused', value: true },
    ]);
    // A canary landed first (generation 5): this pause, built from the same view, does not apply.
    const moved = meshSidecarSet();
    moved.metadata.generation = 5;
    expect(() => applyChange(moved, change)).toThrow();
    expect(applyChange(meshSidecarSet(), change).spec.updateStrategy).toEqual({ ...DEFAULT_STRATEGY, paused: true });
    expect(buildPause(seenFrom(meshSidecarSet({ ...DEFAULT_STRATEGY, paused: true }))).ok).toBe(false);
  });

  it('resumes only what is still paused with the images the user saw', () => {
    const paused = meshSidecarSet({ ...DEFAULT_STRATEGY, paused: true });
    const change = expectOk(buildResume(seenFrom(paused)));
    expect(change.patch).toEqual([
      { op: 'test', path: '/metadata/generation', value: 4 },
      { op: 'test', path: '/spec/containers/0/name', value: 'istio-proxy' },
      { op: 'test', path: '/spec/containers/0/image', value: 'docker.io/istio/proxyv2:1.20.1' },
      { op: 'test', path: '/spec/containers/1/name', value: 'log-agent' },
      { op: 'test', path: '/spec/containers/1/image', value: 'fluent/fluent-bit:3.0.4' },
      { op: 'test', path: '/spec/updateStrategy/paused', value: true },
      { op: 'replace', path: '/spec/updateStrategy/paused', value: false },
    ]);
    expect(applyChange(paused, change).spec.updateStrategy?.paused).toBe(false);
    const otherImage = meshSidecarSet({ ...DEFAULT_STRATEGY, paused: true });
    (otherImage.spec.containers?.[0] as { image: string }).image = 'docker.io/istio/proxyv2:1.21.0-broken';
    expect(() => applyChange(otherImage, change)).toThrow(PatchRejected);
    expect(() => applyChange(meshSidecarSet(), change)).toThrow(PatchRejected);
    expect(buildResume(seenFrom(meshSidecarSet())).ok).toBe(false);
  });

  it("removes the guard's note when resuming a rollout the guard paused", () => {
    const paused = meshSidecarSet({ ...DEFAULT_STRATEGY, paused: true });
    paused.metadata.annotations = { ...paused.metadata.annotations, 'sidecarfleet.io/guard-paused': '{"at":"x","message":"y"}' };
    const change = expectOk(buildResume(seenFrom(paused)));
    expect((change.patch as JsonPatchOp[]).at(-1)).toEqual({ op: 'remove', path: '/metadata/annotations/sidecarfleet.io~1guard-paused' });
    expect(applyChange(paused, change).metadata.annotations?.['sidecarfleet.io/guard-paused']).toBeUndefined();
  });
});

describe('buildRollback', () => {
  /** A ControllerRevision as Kruise stores it in kruise-system (pkg/control/sidecarcontrol/history_control.go). */
  const revision: ControllerRevision = {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: 'mesh-5d8f7c9b4',
      namespace: 'kruise-system',
      labels: { 'kruise.io/sidecarset-name': 'mesh', 'controller.kubernetes.io/hash': '5d8f7c9b4' },
    },
    revision: 3,
    data: {
      spec: {
        $patch: 'replace',
        volumes: null,
        containers: [
          {
            name: 'istio-proxy',
            image: 'docker.io/istio/proxyv2:1.19.9',
            args: ['proxy', 'sidecar'],
            podInjectPolicy: 'BeforeAppContainer',
            upgradeStrategy: { upgradeType: 'ColdUpgrade' },
          },
          { name: 'log-agent', image: 'fluent/fluent-bit:3.0.4', podInjectPolicy: 'AfterAppContainer' },
        ],
        initContainers: null,
        imagePullSecrets: null,
        patchPodMetadata: null,
      },
    },
  };

  it('reads the images of a revision', () => {
    expect(revisionImages(revision)).toEqual({
      name: 'mesh-5d8f7c9b4',
      revision: 3,
      containers: [
        { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.19.9' },
        { name: 'log-agent', image: 'fluent/fluent-bit:3.0.4' },
      ],
    });
  });

  it('puts back the differing images and lets the rollout reach every pod', () => {
    const strategy = { type: 'RollingUpdate', partition: '90%', maxUnavailable: 1, paused: true };
    const ss = meshSidecarSet(strategy);
    const change = expectOk(buildRollback(seenFrom(ss), { revision: revisionImages(revision) }));
    expect(change.patch).toEqual([
      { op: 'test', path: '/metadata/generation', value: 4 },
      { op: 'test', path: '/spec/containers/0/name', value: 'istio-proxy' },
      { op: 'test', path: '/spec/containers/0/image', value: 'docker.io/istio/proxyv2:1.20.1' },
      { op: 'test', path: '/spec/updateStrategy', value: strategy },
      { op: 'replace', path: '/spec/containers/0/image', value: 'docker.io/istio/proxyv2:1.19.9' },
      { op: 'add', path: '/spec/updateStrategy/partition', value: 0 },
      { op: 'add', path: '/spec/updateStrategy/paused', value: false },
    ]);
    expect(change.summary).toBe(
      'to revision 3 (mesh-5d8f7c9b4): istio-proxy image docker.io/istio/proxyv2:1.20.1 → docker.io/istio/proxyv2:1.19.9; partition "90%" → 0; paused true → false',
    );
    expect(formatDiff(change.diff)).toBe(
      [
        '- containers[0] istio-proxy image: docker.io/istio/proxyv2:1.20.1',
        '+ containers[0] istio-proxy image: docker.io/istio/proxyv2:1.19.9',
        '- updateStrategy.partition: "90%"',
        '+ updateStrategy.partition: 0',
        '- updateStrategy.paused: true',
        '+ updateStrategy.paused: false',
      ].join('\n'),
    );
    const after = applyChange(ss, change);
    expect(after.spec.containers?.map((c) => c.image)).toEqual(['docker.io/istio/proxyv2:1.19.9', 'fluent/fluent-bit:3.0.4']);
    // Only the image changes: every other field of the container is left as it is.
    expect(after.spec.containers?.[0]?.args).toEqual(['proxy', 'sidecar']);
  });

  it('can be limited to some containers, and refuses when nothing differs', () => {
    const r = buildRollback(seenFrom(meshSidecarSet()), { revision: revisionImages(revision), containers: ['log-agent'] });
    expect(r.ok === false && r.message).toBe('Revision 3 (mesh-5d8f7c9b4) has the same images as now: nothing to roll back.');
  });
});

describe('jsonPatch', () => {
  it('escapes pointers and applies add/replace/remove/test like RFC 6902', () => {
    expect(pointer('metadata', 'annotations', 'kruise.io/sidecarset-hash')).toBe('/metadata/annotations/kruise.io~1sidecarset-hash');
    const doc = { metadata: { annotations: { 'a/b': 'x', 'c~d': 'y' } }, list: [1, 2] };
    const out = jsonPatch(doc, [
      { op: 'test', path: '/metadata/annotations/a~1b', value: 'x' },
      { op: 'test', path: '/metadata/annotations/c~0d', value: 'y' },
      { op: 'add', path: '/list/-', value: 3 },
      { op: 'remove', path: '/metadata/annotations/a~1b' },
    ]);
    expect(out).toEqual({ metadata: { annotations: { 'c~d': 'y' } }, list: [1, 2, 3] });
    expect(doc.list).toEqual([1, 2]);
    expect(() => jsonPatch(doc, [{ op: 'test', path: '/missing', value: false }])).toThrow(PatchRejected);
    expect(() => jsonPatch(doc, [{ op: 'replace', path: '/missing', value: 1 }])).toThrow(PatchRejected);
  });
});
