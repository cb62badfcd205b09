/**
 * Every SidecarSet the built-in cluster returns, in v1alpha1 and v1beta1 (the demo fleet's and a
 * few more), validates against the real CRD's openAPIV3Schema, checked with ajv: an independent
 * validator, not the API server's own.
 */
import { readFileSync } from 'node:fs';
import Ajv, { type ValidateFunction } from 'ajv';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { observeSidecarSet } from './observations';
import {
  createSidecarSet,
  getSidecarSet,
  type KruiseCluster,
  kruiseScenarios,
  listSidecarSets,
  observe,
  waitForStatus,
} from './scenario-support';

interface Crd {
  spec: { versions: Array<{ name: string; schema: { openAPIV3Schema: object } }> };
}

const crd = yaml.load(readFileSync(new URL('../crds/apps.kruise.io_sidecarsets.yaml', import.meta.url), 'utf8')) as Crd;
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const validators: Record<string, ValidateFunction> = {};
for (const v of crd.spec.versions) validators[v.name] = ajv.compile(v.schema.openAPIV3Schema);

function check(version: string, obj: unknown): string[] {
  const validate = validators[version] as ValidateFunction;
  if (validate(obj)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

/** A few more shapes than the demo has, on each cluster. */
async function moreShapes(k: KruiseCluster): Promise<void> {
  // A few more shapes than the demo has: v1alpha1 with spec.namespace, init containers, a revision
  // injection, priority and scatter strategies, patch metadata-free, NotUpdate.
  await createSidecarSet(
    k,
    'schema-alpha',
    {
      namespace: 'payments',
      selector: { matchLabels: { schema: 'alpha' } },
      initContainers: [{ name: 'schema-init', image: 'docker.io/library/busybox:1.36', command: ['true'] }],
      containers: [{ name: 'schema-alpha', image: 'docker.io/library/busybox:1.36', ports: [{ containerPort: 8080 }] }],
      updateStrategy: {
        partition: '10%',
        maxUnavailable: '20%',
        priorityStrategy: { weightPriority: [{ weight: 50, matchSelector: { matchLabels: { tier: 'gold' } } }] },
        scatterStrategy: [{ key: 'zone', value: '*' }],
      },
    },
    { labels: { 'apps.kruise.io/sidecarset-custom-version': 'alpha-1' } },
    'v1alpha1',
  );
  await createSidecarSet(k, 'schema-beta', {
    selector: { matchExpressions: [{ key: 'schema', operator: 'In', values: ['beta'] }] },
    customVersion: 'b1',
    updateStrategy: { type: 'NotUpdate' },
    containers: [
      {
        name: 'schema-beta',
        image: 'docker.io/library/busybox:1.36',
        transferEnv: [{ sourceContainerNameFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } }, envNames: ['A'] }],
        resourcesPolicy: { targetContainersMode: 'max', resourcesExpr: { requests: { cpu: 'cpu*10%' } } },
      },
    ],
    volumes: [{ name: 'schema-cfg', configMap: { name: 'cfg' } }],
    imagePullSecrets: [{ name: 'regcred' }],
  });
  const latest = (await waitForStatus(k, 'schema-beta', { matchedPods: 0 })).status?.latestRevision as string;
  await k.custom.patchClusterCustomObject({
    group: 'apps.kruise.io',
    version: 'v1beta1',
    plural: 'sidecarsets',
    name: 'schema-beta',
    body: [{ op: 'add', path: '/spec/injectionStrategy/revision', value: { revisionName: latest, policy: 'Partial' } }],
  });
}

const scenario = kruiseScenarios({ fleet: 'demo', setUp: moreShapes });

describe('SidecarSets against the real CRD schema (ajv)', () => {
  it('the validator does reject what the schema forbids', () => {
    expect(
      check('v1beta1', { apiVersion: 'apps.kruise.io/v1beta1', kind: 'SidecarSet', metadata: { name: 'x' }, status: { matchedPods: 1 } }),
    ).toEqual(["/status must have required property 'readyPods'", "/status must have required property 'updatedPods'"]);
    expect(check('v1beta1', { spec: { injectionStrategy: { revision: { policy: 'Sometimes' } } } }).length).toBeGreaterThan(0);
    expect(check('v1alpha1', { spec: { updateStrategy: { paused: 'yes' } } }).length).toBeGreaterThan(0);
  });

  for (const version of ['v1beta1', 'v1alpha1']) {
    scenario(`every SidecarSet listed and read in ${version} is valid`, async (k) => {
      const items = await listSidecarSets(k, version);
      const names = items.map((s) => s.metadata.name).sort();
      expect(names).toEqual(
        ['config-reloader', 'dapr-sidecar', 'fluent-bit', 'istio-proxy', 'mosn', 'otel-agent', 'schema-alpha', 'schema-beta'].sort(),
      );
      for (const ss of items) {
        expect(ss.apiVersion).toBe(`apps.kruise.io/${version}`);
        expect({ name: ss.metadata.name, errors: check(version, ss) }).toEqual({ name: ss.metadata.name, errors: [] });
        const one = await getSidecarSet(k, ss.metadata.name, version);
        expect({ name: ss.metadata.name, errors: check(version, one) }).toEqual({ name: ss.metadata.name, errors: [] });
        // Status is written by the controller for every SidecarSet, with its required fields.
        expect(one.status?.latestRevision).toMatch(new RegExp(`^${ss.metadata.name}-`));
        // What Kruise's webhooks made of each spec (defaults, Go's encoding, hashes), in this
        // version. Status is left out: the demo's rollouts are caught mid-way at different points.
        const { spec, annotations } = observeSidecarSet(one);
        observe(k, `${ss.metadata.name} in ${version}`, { spec, annotations });
      }
    });
  }
});
