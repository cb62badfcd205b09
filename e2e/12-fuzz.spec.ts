import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import fc from 'fast-check';
import { kubectlJson } from './support/cluster';
import { apiPath, baseURL, clusterPath, primaryCluster } from './support/env';

/**
 * Every rollout server action, sent 10,000 generated inputs over HTTP the way a browser sends them
 * (React's reply encoding: the previous state and the form's fields), with hostile strings, wrong
 * types, huge values and __proto__ keys. Nothing invalid may reach the cluster: every SidecarSet's
 * spec and generation are the same afterwards, no answer is a server error or carries a stack
 * trace, and the server still answers. A body React could not decode is refused with a 400 before
 * any action runs (proxy.ts); the rest reach the actions, which refuse what they must.
 */
test.describe.configure({ timeout: 600_000 });

const RUNS = 10_000;
const CONCURRENCY = 16;

interface Manifest {
  node: Record<string, { filename: string; exportedName: string }>;
}

function actionIds(): Record<string, string> {
  const file = path.resolve(__dirname, '../.next/server/server-reference-manifest.json');
  const m = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  const out: Record<string, string> = {};
  for (const [id, v] of Object.entries(m.node)) if (v.filename === 'app/sidecarsets/actions.ts') out[v.exportedName] = id;
  return out;
}

interface SidecarSetState {
  metadata: { name: string; generation: number };
  spec: unknown;
}

function sidecarSets(): Record<string, { generation: number; spec: unknown }> {
  const list = kubectlJson<{ items: SidecarSetState[] }>(['get', 'sidecarsets.apps.kruise.io']).items;
  return Object.fromEntries(list.map((s) => [s.metadata.name, { generation: s.metadata.generation, spec: s.spec }]));
}

const HOSTILE = [
  '<img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  'nginx:1.27\u202egnp.exe',
  '\u0000\u0007\u001b[31m',
  'x'.repeat(20_000),
  '__proto__',
  'constructor',
  '{"__proto__":{"polluted":true}}',
  '../../../etc/passwd',
  '2147483648',
  '0x0a',
  '1e1',
  '+5',
  '-0',
  '-1',
  '101%',
  '5%%',
  ' 5 ',
  'NaN',
  'Infinity',
  '',
  'all',
  'apply',
];

const text = fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 64 }), fc.string({ unit: 'grapheme', maxLength: 200 }));
const json = fc.oneof(
  text,
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc
    .record({
      name: text,
      containers: fc.oneof(fc.constant([]), fc.array(fc.record({ name: text, image: text }), { maxLength: 3 })),
      generation: fc.oneof(fc.integer(), fc.constant(-1), fc.double()),
      updateStrategy: fc.oneof(fc.constant(undefined), fc.object({ maxDepth: 2 })),
      matchedPods: fc.integer(),
    })
    .map((v) => JSON.stringify({ ...v, __proto__: { polluted: true } })),
  fc.constant('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}'),
);

function fields(names: string[]): fc.Arbitrary<Array<[string, string]>> {
  const field = (f: string) => {
    if (f === 'seen') return json;
    if (f === 'intent') return fc.constantFrom('apply', 'apply', 'preview', 'other');
    // The page's cluster most of the time, so inputs reach past the cluster check.
    if (f === 'cluster') return fc.oneof(fc.constant(primaryCluster), fc.constant(primaryCluster), text);
    return text;
  };
  return fc
    .tuple(...names.map((n) => fc.option(field(n), { nil: undefined }).map((v) => [n, v] as const)))
    .map((pairs) => pairs.filter((p): p is readonly [string, string] => p[1] !== undefined).map(([k, v]) => [k, v] as [string, string]));
}

const FIELDS: Record<string, string[]> = {
  startCanary: [
    'name',
    'seen',
    'intent',
    'container',
    'image',
    'scope',
    'amount',
    'namespace',
    'workload',
    'label',
    'maxUnavailable',
    'confirmName',
    'cluster',
  ],
  promoteRollout: ['name', 'seen', 'intent', 'step', 'partition', 'confirmName', 'cluster'],
  rollBack: ['name', 'seen', 'intent', 'revision', 'containers', 'cluster'],
  // A pause of a real SidecarSet in the page's cluster is valid input that changes it: its cluster stays generated text.
  pauseRollout: ['name', 'clusterText'],
  resumeRollout: ['name', 'seen', 'cluster'],
  pauseAllRollouts: ['confirm', 'cluster', 'scope'],
};

test('10,000 generated inputs to the rollout actions change nothing and the server stays up', async () => {
  const ids = actionIds();
  expect(Object.keys(ids).sort()).toEqual(Object.keys(FIELDS).sort());
  const names = Object.keys(sidecarSets());
  const before = sidecarSets();

  // Names of real SidecarSets half the time, so inputs reach past the name check.
  const nameOrHostile = fc.oneof(fc.constantFrom(...names), text);
  const cases = fc.sample(
    fc.constantFrom(...Object.keys(FIELDS)).chain((action) =>
      fc.record({
        action: fc.constant(action),
        name: nameOrHostile,
        fields: fields((FIELDS[action] as string[]).filter((f) => f !== 'name')),
        prev: fc.oneof(fc.constant({ ok: false, at: 0 }), fc.jsonValue({ maxDepth: 2 })),
      }),
    ),
    { numRuns: RUNS, seed: 20261130 },
  );

  const statuses = new Map<number, number>();
  let stackTraces = 0;
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const c = cases[next++] as (typeof cases)[number];
      const form = new FormData();
      // What React sends for action(prevState, formData): the arguments, and the form's fields prefixed _1_.
      form.set('0', JSON.stringify([c.prev, '$K1']));
      form.set('_1_name', c.name);
      if (c.action === 'pauseAllRollouts') form.delete('_1_name');
      for (const [k, v] of c.fields) form.append(`_1_${k === 'clusterText' ? 'cluster' : k}`, v);
      const res = await fetch(`${baseURL}${clusterPath(`/sidecarsets/${encodeURIComponent(names[0] as string)}`)}`, {
        method: 'POST',
        headers: { 'next-action': ids[c.action] as string, origin: baseURL, accept: 'text/x-component' },
        body: form,
      });
      const body = await res.text();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (/\n\s+at [\w.<>]+ \(/.test(body)) stackTraces++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));

  const counts = Object.fromEntries(statuses);
  // Most inputs reached the actions (200: their refusal as a message), not just the envelope check.
  expect(counts[200] ?? 0, `statuses ${JSON.stringify(counts)}`).toBeGreaterThan(RUNS / 2);
  test.info().annotations.push({ type: 'statuses', description: JSON.stringify(counts) });
  expect(stackTraces, 'responses carrying a stack trace').toBe(0);
  expect(
    Object.keys(counts).filter((s) => Number(s) >= 500),
    `statuses ${JSON.stringify(counts)}`,
  ).toEqual([]);
  // Nothing reached the cluster.
  expect(sidecarSets()).toEqual(before);
  // And the server still answers.
  const pulse = await fetch(`${baseURL}${apiPath('/pulse')}`);
  expect(pulse.status).toBe(200);
});
