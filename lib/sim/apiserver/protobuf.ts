/**
 * Just enough of the Kubernetes protobuf wire format to read what kubectl sends as protobuf.
 * kubectl's typed clients POST built-in kinds as `application/vnd.kubernetes.protobuf`:
 * `kubectl auth can-i` (SelfSubjectAccessReview / SelfSubjectRulesReview), `kubectl create
 * namespace`, `kubectl create deployment`. Responses are JSON, which client-go accepts.
 *
 * Decoding is table-driven over the fields those commands (and common manifests) use. A field
 * the table does not know is refused with 415 rather than dropped silently.
 */
import { ApiError } from '../types';
import { badRequest } from './errors';

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]); // "k8s\0"

type Field = { no: number; wire: number; value: number | Buffer };

function readVarint(b: Buffer, pos: number): [number, number] {
  let result = 0;
  let mul = 1;
  let p = pos;
  for (;;) {
    if (p >= b.length) throw badRequest('protobuf: truncated varint');
    const byte = b[p++] as number;
    result += (byte & 0x7f) * mul;
    if ((byte & 0x80) === 0) break;
    mul *= 128;
  }
  return [result, p];
}

export function decodeFields(b: Buffer): Field[] {
  const out: Field[] = [];
  let pos = 0;
  while (pos < b.length) {
    const [key, p1] = readVarint(b, pos);
    pos = p1;
    const no = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) {
      const [v, p2] = readVarint(b, pos);
      out.push({ no, wire, value: v });
      pos = p2;
    } else if (wire === 2) {
      const [len, p2] = readVarint(b, pos);
      out.push({ no, wire, value: b.subarray(p2, p2 + len) });
      pos = p2 + len;
    } else if (wire === 1) {
      out.push({ no, wire, value: b.subarray(pos, pos + 8) });
      pos += 8;
    } else if (wire === 5) {
      out.push({ no, wire, value: b.subarray(pos, pos + 4) });
      pos += 4;
    } else {
      throw badRequest(`protobuf: unsupported wire type ${wire}`);
    }
  }
  return out;
}

// ---- message tables -------------------------------------------------------------------------

type Kind = 'string' | 'int' | 'bool' | 'time' | 'quantity' | 'intOrString' | 'stringMap' | 'quantityMap' | Msg;
interface FieldDef {
  name: string;
  kind: Kind;
  repeated?: boolean;
  /** A pointer field in Go: a zero value was set on purpose and is kept. */
  ptr?: boolean;
}
type Msg = { [no: number]: FieldDef };

const f = (name: string, kind: Kind, repeated = false): FieldDef => ({ name, kind, repeated });
const p = (name: string, kind: Kind): FieldDef => ({ name, kind, ptr: true });

const OwnerReference: Msg = {
  1: f('kind', 'string'),
  3: f('name', 'string'),
  4: f('uid', 'string'),
  5: f('apiVersion', 'string'),
  6: f('controller', 'bool'),
  7: f('blockOwnerDeletion', 'bool'),
};
const ObjectMeta: Msg = {
  1: f('name', 'string'),
  2: f('generateName', 'string'),
  3: f('namespace', 'string'),
  5: f('uid', 'string'),
  6: f('resourceVersion', 'string'),
  7: f('generation', 'int'),
  8: f('creationTimestamp', 'time'),
  11: f('labels', 'stringMap'),
  12: f('annotations', 'stringMap'),
  13: f('ownerReferences', OwnerReference, true),
  14: f('finalizers', 'string', true),
};
const LabelSelector: Msg = {
  1: f('matchLabels', 'stringMap'),
  2: f('matchExpressions', { 1: f('key', 'string'), 2: f('operator', 'string'), 3: f('values', 'string', true) }, true),
};
const ContainerPort: Msg = {
  1: f('name', 'string'),
  2: f('hostPort', 'int'),
  3: f('containerPort', 'int'),
  4: f('protocol', 'string'),
  5: f('hostIP', 'string'),
};
const EnvVar: Msg = {
  1: f('name', 'string'),
  2: f('value', 'string'),
  3: f('valueFrom', { 1: f('fieldRef', { 1: f('apiVersion', 'string'), 2: f('fieldPath', 'string') }) }),
};
const Resources: Msg = { 1: f('limits', 'quantityMap'), 2: f('requests', 'quantityMap') };
const VolumeMount: Msg = {
  1: f('name', 'string'),
  2: f('readOnly', 'bool'),
  3: f('mountPath', 'string'),
  4: f('subPath', 'string'),
  6: f('subPathExpr', 'string'),
};
const Container: Msg = {
  1: f('name', 'string'),
  2: f('image', 'string'),
  3: f('command', 'string', true),
  4: f('args', 'string', true),
  5: f('workingDir', 'string'),
  6: f('ports', ContainerPort, true),
  7: f('env', EnvVar, true),
  8: f('resources', Resources),
  9: f('volumeMounts', VolumeMount, true),
  13: f('terminationMessagePath', 'string'),
  14: f('imagePullPolicy', 'string'),
  16: f('stdin', 'bool'),
  17: f('stdinOnce', 'bool'),
  18: f('tty', 'bool'),
  20: f('terminationMessagePolicy', 'string'),
  24: f('restartPolicy', 'string'),
};
const Toleration: Msg = {
  1: f('key', 'string'),
  2: f('operator', 'string'),
  3: f('value', 'string'),
  4: f('effect', 'string'),
  5: p('tolerationSeconds', 'int'),
};
const PodSpec: Msg = {
  2: f('containers', Container, true),
  3: f('restartPolicy', 'string'),
  4: p('terminationGracePeriodSeconds', 'int'),
  5: p('activeDeadlineSeconds', 'int'),
  6: f('dnsPolicy', 'string'),
  7: f('nodeSelector', 'stringMap'),
  8: f('serviceAccountName', 'string'),
  9: f('serviceAccount', 'string'),
  10: f('nodeName', 'string'),
  11: f('hostNetwork', 'bool'),
  15: f('imagePullSecrets', { 1: f('name', 'string') }, true),
  16: f('hostname', 'string'),
  17: f('subdomain', 'string'),
  19: f('schedulerName', 'string'),
  20: f('initContainers', Container, true),
  21: p('automountServiceAccountToken', 'bool'),
  22: f('tolerations', Toleration, true),
  24: f('priorityClassName', 'string'),
  30: p('enableServiceLinks', 'bool'),
};
const PodTemplateSpec: Msg = { 1: f('metadata', ObjectMeta), 2: f('spec', PodSpec) };

const MESSAGES: Record<string, Msg> = {
  'v1/Namespace': {
    1: f('metadata', ObjectMeta),
    2: f('spec', { 1: f('finalizers', 'string', true) }),
    3: f('status', { 1: f('phase', 'string') }),
  },
  'v1/Pod': { 1: f('metadata', ObjectMeta), 2: f('spec', PodSpec), 3: f('status', {}) },
  'apps/v1/Deployment': {
    1: f('metadata', ObjectMeta),
    2: f('spec', {
      1: p('replicas', 'int'),
      2: f('selector', LabelSelector),
      3: f('template', PodTemplateSpec),
      4: f('strategy', {
        1: f('type', 'string'),
        2: f('rollingUpdate', { 1: f('maxUnavailable', 'intOrString'), 2: f('maxSurge', 'intOrString') }),
      }),
      5: f('minReadySeconds', 'int'),
      6: p('revisionHistoryLimit', 'int'),
      7: f('paused', 'bool'),
      9: p('progressDeadlineSeconds', 'int'),
    }),
    3: f('status', {}),
  },
  'authorization.k8s.io/v1/SelfSubjectAccessReview': {
    1: f('metadata', ObjectMeta),
    2: f('spec', {
      1: f('resourceAttributes', {
        1: f('namespace', 'string'),
        2: f('verb', 'string'),
        3: f('group', 'string'),
        4: f('version', 'string'),
        5: f('resource', 'string'),
        6: f('subresource', 'string'),
        7: f('name', 'string'),
      }),
      2: f('nonResourceAttributes', { 1: f('path', 'string'), 2: f('verb', 'string') }),
    }),
  },
  'authorization.k8s.io/v1/SelfSubjectRulesReview': { 1: f('metadata', ObjectMeta), 2: f('spec', { 1: f('namespace', 'string') }) },
  'authentication.k8s.io/v1/SelfSubjectReview': { 1: f('metadata', ObjectMeta), 2: f('status', {}) },
};

function unsupported(what: string): ApiError {
  return new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (the simulator reads protobuf only for common fields; ${what})`,
  );
}

function toSigned(n: number): number {
  // int64/int32 negatives arrive as 10-byte varints of two's complement.
  return n >= 2 ** 63 ? n - 2 ** 64 : n;
}

function decodeMessage(buf: Buffer, msg: Msg, path: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const fld of decodeFields(buf)) {
    const def = msg[fld.no];
    if (!def) {
      // gogo-protobuf writes every non-pointer field, zero values included: those carry nothing.
      if (isZero(fld)) continue;
      throw unsupported(`field ${fld.no} of ${path || 'the object'} is not known`);
    }
    const v = decodeValue(fld, def, `${path}${path ? '.' : ''}${def.name}`);
    if (v === undefined) continue;
    // Zero values of plain fields mean "unset" (Go's omitempty), as the JSON form would say.
    if (!def.ptr && !def.repeated && (v === '' || v === 0 || v === false)) continue;
    if (def.kind === 'stringMap' || def.kind === 'quantityMap') {
      const [k, val] = v as [string, string];
      out[def.name] = { ...((out[def.name] as Record<string, string>) ?? {}), [k]: val };
    } else if (def.repeated) {
      out[def.name] = [...((out[def.name] as unknown[]) ?? []), v];
    } else {
      out[def.name] = v;
    }
  }
  return out;
}

function isZero(fld: Field): boolean {
  if (fld.wire === 0) return fld.value === 0;
  if (fld.wire !== 2) return (fld.value as Buffer).every((b) => b === 0);
  const b = fld.value as Buffer;
  if (b.length === 0) return true;
  try {
    return decodeFields(b).every(isZero);
  } catch {
    return false;
  }
}

function bytes(fld: Field): Buffer {
  if (fld.wire !== 2) throw badRequest('protobuf: expected a length-delimited field');
  return fld.value as Buffer;
}

function decodeValue(fld: Field, def: FieldDef, path: string): unknown {
  switch (def.kind) {
    case 'string':
      return bytes(fld).toString('utf8');
    case 'int':
      return toSigned(fld.value as number);
    case 'bool':
      return fld.value === 1;
    case 'time': {
      const t = decodeMessage(bytes(fld), { 1: f('seconds', 'int'), 2: f('nanos', 'int') }, path);
      if (!t.seconds) return undefined;
      return new Date((t.seconds as number) * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    }
    case 'quantity':
      return decodeMessage(bytes(fld), { 1: f('string', 'string') }, path).string;
    case 'intOrString': {
      const v = decodeMessage(bytes(fld), { 1: f('type', 'int'), 2: f('intVal', 'int'), 3: f('strVal', 'string') }, path);
      return v.type === 1 ? (v.strVal ?? '') : (v.intVal ?? 0);
    }
    case 'stringMap': {
      const e = decodeMessage(bytes(fld), { 1: f('k', 'string'), 2: f('v', 'string') }, path);
      return [e.k ?? '', e.v ?? ''];
    }
    case 'quantityMap': {
      const e = decodeMessage(bytes(fld), { 1: f('k', 'string'), 2: f('v', 'quantity') }, path);
      return [e.k ?? '', e.v ?? ''];
    }
    default:
      return decodeMessage(bytes(fld), def.kind, path);
  }
}

/** Unwraps the runtime.Unknown envelope: returns apiVersion, kind and the raw message. */
export function unwrapEnvelope(body: Buffer): { apiVersion: string; kind: string; raw: Buffer } {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) throw badRequest('protobuf: missing the k8s envelope');
  const fields = decodeFields(body.subarray(4));
  const tm = fields.find((x) => x.no === 1 && x.wire === 2);
  const typeMeta = tm ? decodeFields(tm.value as Buffer) : [];
  const str = (no: number) => {
    const x = typeMeta.find((y) => y.no === no && y.wire === 2);
    return x ? (x.value as Buffer).toString('utf8') : '';
  };
  const raw = fields.find((x) => x.no === 2 && x.wire === 2);
  return { apiVersion: str(1), kind: str(2), raw: (raw?.value as Buffer) ?? Buffer.alloc(0) };
}

/** Decodes a protobuf request body into its JSON shape. */
export function decodeProtobufObject(body: Buffer): Record<string, unknown> {
  const { apiVersion, kind, raw } = unwrapEnvelope(body);
  const msg = MESSAGES[`${apiVersion}/${kind}`];
  if (!msg) throw unsupported(`${apiVersion} ${kind} is not decoded`);
  const obj = decodeMessage(raw, msg, '');
  return { apiVersion, kind, ...obj };
}
