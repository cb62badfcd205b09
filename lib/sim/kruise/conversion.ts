/**
 * The SidecarSet conversion webhook (apis/apps/v1alpha1/sidecarset_conversion.go): v1beta1 is the hub. v1alpha1's `spec.namespace`
 * wins over its namespaceSelector; its custom-version label is `spec.customVersion` in v1beta1.
 */
import { KRUISE } from '@/lib/fleet/k8s-types';
import type { Converter, KObject } from '../types';

export const V1ALPHA1 = 'apps.kruise.io/v1alpha1';
export const V1BETA1 = 'apps.kruise.io/v1beta1';

type Json = Record<string, unknown>;

function toBeta(obj: KObject): KObject {
  const out = structuredClone(obj) as KObject;
  const spec = { ...((out.spec as Json | undefined) ?? {}) };
  const ns = spec.namespace;
  if (typeof ns === 'string' && ns !== '') {
    spec.namespaceSelector = { matchLabels: { 'kubernetes.io/metadata.name': ns } };
  }
  delete spec.namespace;
  const labels = { ...(out.metadata.labels ?? {}) };
  const cv = labels[KRUISE.customVersionLabel];
  if (cv !== undefined) {
    spec.customVersion = cv;
    delete labels[KRUISE.customVersionLabel];
  } else {
    delete spec.customVersion;
  }
  if (Object.keys(labels).length > 0) out.metadata.labels = labels;
  else delete out.metadata.labels;
  if (out.spec !== undefined) out.spec = spec;
  out.apiVersion = V1BETA1;
  return out;
}

function toAlpha(obj: KObject): KObject {
  const out = structuredClone(obj) as KObject;
  const spec = { ...((out.spec as Json | undefined) ?? {}) };
  const cv = spec.customVersion;
  delete spec.customVersion;
  if (typeof cv === 'string' && cv !== '') {
    out.metadata.labels = { ...(out.metadata.labels ?? {}), [KRUISE.customVersionLabel]: cv };
  }
  if (out.spec !== undefined) out.spec = spec;
  out.apiVersion = V1ALPHA1;
  return out;
}

/** Converts a SidecarSet to `apiVersion` (either served version), going through v1beta1. */
export const convertSidecarSet: Converter = (obj, apiVersion) => {
  if (obj.apiVersion === apiVersion) return obj;
  const hub = obj.apiVersion === V1ALPHA1 ? toBeta(obj) : obj;
  if (apiVersion === V1BETA1) return hub.apiVersion === V1BETA1 ? hub : { ...structuredClone(hub), apiVersion: V1BETA1 };
  if (apiVersion === V1ALPHA1) return toAlpha(hub);
  throw new Error(`cannot convert SidecarSet to ${apiVersion}`);
};
