import { describe, expect, it } from 'vitest';
import { goDecodeError, goMarshal, goMarshalUntyped } from './go-json';
import { KRUISE_GO_TYPES } from './kruise-go-types';

const T = KRUISE_GO_TYPES;

describe('goMarshal (encoding/json of a value decoded into Go types)', () => {
  it('writes struct fields in declaration order, drops empty omitempty fields, keeps the others', () => {
    expect(goMarshal({ image: 'x:1', name: 'a', podInjectPolicy: 'BeforeAppContainer' }, 'v1beta1.SidecarContainer', T)).toBe(
      '{"name":"a","image":"x:1","resources":{},"podInjectPolicy":"BeforeAppContainer","upgradeStrategy":{},"shareVolumePolicy":{}}',
    );
    // No omitempty on a name; a nil pointer without omitempty is null.
    expect(goMarshal({ port: 9000 }, 'v1.GRPCAction', T)).toBe('{"port":9000,"service":null}');
    expect(goMarshal({}, 'v1.EnvVar', T)).toBe('{"name":""}');
  });

  it('omitempty never drops a struct, drops false and empty lists, keeps a set pointer', () => {
    expect(goMarshal({ paused: false, partition: 0, scatterStrategy: [] }, 'v1beta1.SidecarSetUpdateStrategy', T)).toBe('{"partition":0}');
    expect(goMarshal({ resourcesPolicy: {} }, 'v1beta1.SidecarContainer', T)).toContain(
      '"resourcesPolicy":{"targetContainersMode":"","resourcesExpr":{}}',
    );
  });

  it('sorts map keys, canonicalises quantities and escapes <, >, & as Go does', () => {
    expect(goMarshal({ limits: { memory: '1024Mi', cpu: '0.5' } }, 'v1.ResourceRequirements', T)).toBe(
      '{"limits":{"cpu":"500m","memory":"1Gi"}}',
    );
    expect(goMarshal({ name: 'a<b>&c' }, 'v1.LocalObjectReference', T)).toBe('{"name":"a\\u003cb\\u003e\\u0026c"}');
  });

  it('marshals decoded-into-interface{} values with every object sorted', () => {
    expect(goMarshalUntyped({ spec: { b: 1, $patch: 'replace', a: [{ z: null, y: 'x' }] } })).toBe(
      '{"spec":{"$patch":"replace","a":[{"y":"x","z":null}],"b":1}}',
    );
  });
});

describe('goDecodeError (what Go says for a value of the wrong JSON type)', () => {
  const at = { struct: 'SidecarSet', path: ['spec'] };
  it('names the innermost struct, the JSON path without indexes and the Go type', () => {
    expect(goDecodeError({ updateStrategy: { paused: 'yes' } }, 'v1beta1.SidecarSetSpec', T, at)).toBe(
      'json: cannot unmarshal string into Go struct field SidecarSetUpdateStrategy.spec.updateStrategy.paused of type bool',
    );
    expect(goDecodeError({ containers: [{ name: 'a', imagePullPolicy: 5 }] }, 'v1beta1.SidecarSetSpec', T, at)).toBe(
      'json: cannot unmarshal number into Go struct field SidecarContainer.spec.containers.imagePullPolicy of type v1.PullPolicy',
    );
    expect(goDecodeError({ revisionHistoryLimit: 1.5 }, 'v1beta1.SidecarSetSpec', T, at)).toBe(
      'json: cannot unmarshal number 1.5 into Go struct field SidecarSetSpec.spec.revisionHistoryLimit of type int32',
    );
    expect(goDecodeError('x', 'v1beta1.SidecarSetSpec', T, at)).toBe(
      'json: cannot unmarshal string into Go struct field SidecarSet.spec of type v1beta1.SidecarSetSpec',
    );
  });

  it('IntOrString decodes a non-string as an int32', () => {
    expect(goDecodeError({ updateStrategy: { partition: true } }, 'v1beta1.SidecarSetSpec', T, at)).toBe(
      'json: cannot unmarshal bool into Go struct field SidecarSetUpdateStrategy.spec.updateStrategy.partition of type int32',
    );
  });

  it('accepts well-typed values, nulls and unknown fields', () => {
    expect(
      goDecodeError(
        { updateStrategy: { paused: true, partition: '10%' }, containers: [{ name: 'a', env: null, extra: 1 }] },
        'v1beta1.SidecarSetSpec',
        T,
        at,
      ),
    ).toBeUndefined();
  });
});
