import { describe, expect, it } from 'vitest';
import { jsonPatch, mergePatch, PatchRejected } from './json-patch';

function rejection(fn: () => unknown): PatchRejected {
  try {
    fn();
  } catch (e) {
    if (e instanceof PatchRejected) return e;
    throw e;
  }
  throw new Error('the patch applied');
}

describe('jsonPatch answers as kube-apiserver does', () => {
  const doc = { spec: { updateStrategy: { partition: 0 }, containers: [{ name: 'proxy', image: 'envoy:1' }] } };

  it('a failed test is 422 Invalid with the generic message (the reason stays with us), and the document is untouched', () => {
    const e = rejection(() => jsonPatch(doc, [{ op: 'test', path: '/spec/containers/0/image', value: 'envoy:2' }]));
    expect({ code: e.code, reason: e.reason, message: e.message, detail: e.detail }).toEqual({
      code: 422,
      reason: 'Invalid',
      message: 'the server rejected our request due to an error in our request',
      detail: 'testing value /spec/containers/0/image failed: test failed',
    });
    expect(doc.spec.containers[0]?.image).toBe('envoy:1');
  });

  it('a path that is not there and an operation without its fields are 422; a body that is not a list is 400', () => {
    const missing = rejection(() => jsonPatch(doc, [{ op: 'replace', path: '/spec/paused', value: true }]));
    expect([missing.code, missing.message, missing.detail]).toEqual([
      422,
      'the server rejected our request due to an error in our request',
      'replace operation does not apply: doc is missing key: /spec/paused',
    ]);
    for (const op of [{ path: '/x' }, { op: 'add' }, { op: 'add', path: '/spec/x' }, { op: 'frob', path: '/x', value: 1 }]) {
      expect(rejection(() => jsonPatch(doc, [op])).code).toBe(422);
    }
    const bad = rejection(() => jsonPatch(doc, { op: 'add' }));
    expect([bad.code, bad.reason, bad.message]).toEqual([
      400,
      'BadRequest',
      'error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp',
    ]);
  });

  it('add replaces a member, and testing for null passes on a missing one (evanphx/json-patch)', () => {
    expect(
      jsonPatch(doc, [
        { op: 'test', path: '/spec/updateStrategy/paused', value: null },
        { op: 'add', path: '/spec/updateStrategy/partition', value: '90%' },
      ]).spec.updateStrategy,
    ).toEqual({ partition: '90%' });
  });
});

describe('mergePatch', () => {
  it('merges objects, deletes on null and replaces arrays whole', () => {
    expect(mergePatch({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { c: null, d: 3 }, l: [3] })).toEqual({ a: { b: 1, d: 3 }, l: [3] });
  });
});
