/**
 * Just enough of the Kubernetes protobuf wire format to read what kubectl sends as protobuf:
 * typed clients (e.g. `kubectl auth can-i`) POST SelfSubjectAccessReview / SelfSubjectRulesReview
 * as `application/vnd.kubernetes.protobuf`. Responses are JSON, which client-go accepts.
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

function str(fields: Field[], no: number): string | undefined {
  const f = fields.find((x) => x.no === no && x.wire === 2);
  return f ? (f.value as Buffer).toString('utf8') : undefined;
}

function msg(fields: Field[], no: number): Field[] | undefined {
  const f = fields.find((x) => x.no === no && x.wire === 2);
  return f ? decodeFields(f.value as Buffer) : undefined;
}

/** Unwraps the runtime.Unknown envelope: returns apiVersion, kind and the raw message. */
export function unwrapEnvelope(body: Buffer): { apiVersion: string; kind: string; raw: Buffer } {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) throw badRequest('protobuf: missing the k8s envelope');
  const fields = decodeFields(body.subarray(4));
  const typeMeta = msg(fields, 1) ?? [];
  const raw = fields.find((f) => f.no === 2 && f.wire === 2);
  return { apiVersion: str(typeMeta, 1) ?? '', kind: str(typeMeta, 2) ?? '', raw: (raw?.value as Buffer) ?? Buffer.alloc(0) };
}

function stripEmpty(o: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== '') out[k] = v;
  return out;
}

/** Decodes the protobuf bodies the simulator accepts into their JSON shape. */
export function decodeProtobufObject(body: Buffer): Record<string, unknown> {
  const { apiVersion, kind, raw } = unwrapEnvelope(body);
  const fields = decodeFields(raw);
  const spec = msg(fields, 2) ?? [];
  if (kind === 'SelfSubjectAccessReview') {
    const ra = msg(spec, 1);
    const nra = msg(spec, 2);
    return {
      apiVersion,
      kind,
      metadata: {},
      spec: {
        ...(ra
          ? {
              resourceAttributes: stripEmpty({
                namespace: str(ra, 1),
                verb: str(ra, 2),
                group: str(ra, 3),
                version: str(ra, 4),
                resource: str(ra, 5),
                subresource: str(ra, 6),
                name: str(ra, 7),
              }),
            }
          : {}),
        ...(nra ? { nonResourceAttributes: stripEmpty({ path: str(nra, 1), verb: str(nra, 2) }) } : {}),
      },
    };
  }
  if (kind === 'SelfSubjectRulesReview') {
    return { apiVersion, kind, metadata: {}, spec: stripEmpty({ namespace: str(spec, 1) }) };
  }
  throw new ApiError(
    415,
    'UnsupportedMediaType',
    'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml',
  );
}
