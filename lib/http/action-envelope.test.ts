import { describe, expect, it } from 'vitest';
import { checkActionId, checkActionParts } from './action-envelope';

describe('server action envelopes', () => {
  const form = (args: unknown, fields: Array<[string, string]> = [['_1_name', 'mesh']]): Array<[string, string]> => [
    ['0', typeof args === 'string' ? args : JSON.stringify(args)],
    ...fields,
  ];

  it('accepts what the pages send: (prevState, formData) and (formData)', () => {
    // As Chromium sent a sign-in: React's own $ACTION_ fields ride along in the form.
    expect(
      checkActionParts([
        ['_1_$ACTION_REF_1', ''],
        ['_1_$ACTION_1:0', '{"id":"60c5","bound":"$@1"}'],
        ['_1_$ACTION_1:1', '[{"ok":false,"at":0}]'],
        ['_1_$ACTION_KEY', 'ke6b'],
        ['_1_token', 'bad'],
        ['0', '[{"ok":false,"at":0},"$K1"]'],
      ]),
    ).toEqual({ ok: true });
    expect(checkActionParts(form([{ ok: false, at: 0, message: '$$cost' }, '$K1']))).toEqual({ ok: true });
    expect(checkActionParts(form(['$K1']))).toEqual({ ok: true });
    expect(checkActionParts(form([{ at: '$D2026-11-30T00:00:00.000Z', gone: '$undefined', n: '$n12' }, '$K1']))).toEqual({ ok: true });
    // A list React sends once and refers to again (the preview's warnings after a Preview).
    const prev = { warnings: ['w'], preview: { warnings: '$0:0:warnings' } };
    expect(checkActionParts(form([prev, '$K1']))).toEqual({ ok: true });
    expect(checkActionParts(form([{ ...prev, preview: { warnings: '$0:0:nothing' } }, '$K1']))).toEqual({
      ok: false,
      why: 'previous state is not plain data ("$0:0:nothing")',
    });
  });

  it('refuses what React would choke on, and anything else', () => {
    const refusals: Array<[unknown, string]> = [
      ['not json', 'argument list is not JSON'],
      [{}, 'argument list of the wrong length'],
      [[], 'argument list of the wrong length'],
      [[1, 2, '$K1'], 'argument list of the wrong length'],
      [[{}, 'x'], 'no form argument'],
      [['$Q1', '$K1'], 'previous state is not plain data ("$Q1")'],
      [[{ a: '$@9' }, '$K1'], 'previous state is not plain data ("$@9")'],
      [[{ $ref: 1 }, '$K1'], 'previous state is not plain data ("$ref")'],
    ];
    for (const [args, why] of refusals) expect(checkActionParts(form(args)), JSON.stringify(args)).toEqual({ ok: false, why });
    expect(checkActionParts([['_1_name', 'x']])).toEqual({ ok: false, why: 'no argument list' });
    expect(checkActionParts(form(['$K1'], [['1_name', 'x']]))).toEqual({ ok: false, why: 'unexpected part 1_name' });
    let deep: unknown = 'x';
    for (let i = 0; i < 20; i++) deep = [deep];
    expect(checkActionParts(form([deep, '$K1']))).toEqual({ ok: false, why: 'previous state is not plain data ("nesting")' });
  });

  it('knows the action ids of the build', () => {
    const id = 'a'.repeat(42);
    expect(checkActionId(id, new Set([id]))).toEqual({ ok: true });
    expect(checkActionId('b'.repeat(42), new Set([id]))).toEqual({ ok: false, why: 'unknown action id' });
    expect(checkActionId('../x', undefined)).toEqual({ ok: false, why: 'malformed action id' });
  });
});
