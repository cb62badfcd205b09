/**
 * The SidecarSet mutating webhook's defaults (apis/apps/defaults/v1beta1.go, SetDefaultsSidecarSetV1beta1),
 * applied on CREATE and every UPDATE, plus the corev1 defaults it applies to containers and volumes.
 */
import type { SidecarContainer, SidecarSet } from '@/lib/fleet/k8s-types';

type Json = Record<string, unknown>;

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The tag of an image reference: '' for a digest, 'latest' when none is given (parsers.ParseImageName). */
export function imageTag(image: string): string {
  if (image.includes('@')) return '';
  const lastSlash = image.lastIndexOf('/');
  const tail = image.slice(lastSlash + 1);
  const colon = tail.lastIndexOf(':');
  return colon < 0 ? 'latest' : tail.slice(colon + 1);
}

function defaultProbe(p: unknown): void {
  if (!isObj(p)) return;
  p.timeoutSeconds ??= 1;
  p.periodSeconds ??= 10;
  p.successThreshold ??= 1;
  p.failureThreshold ??= 3;
  if (isObj(p.httpGet)) p.httpGet.scheme ??= 'HTTP';
}

function defaultEnv(env: unknown): void {
  if (!Array.isArray(env)) return;
  for (const e of env) {
    if (isObj(e) && isObj(e.valueFrom) && isObj(e.valueFrom.fieldRef)) e.valueFrom.fieldRef.apiVersion ??= 'v1';
  }
}

/** corev1 SetDefaults_Container and the defaults of its parts. Mutates `c`. */
export function defaultContainer(c: Json): void {
  if (c.imagePullPolicy === undefined || c.imagePullPolicy === '') {
    c.imagePullPolicy = imageTag(typeof c.image === 'string' ? c.image : '') === 'latest' ? 'Always' : 'IfNotPresent';
  }
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  if (Array.isArray(c.ports)) for (const p of c.ports) if (isObj(p)) p.protocol ??= 'TCP';
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  defaultEnv(c.env);
  if (isObj(c.lifecycle)) {
    for (const h of [c.lifecycle.postStart, c.lifecycle.preStop]) {
      if (isObj(h) && isObj(h.httpGet)) h.httpGet.scheme ??= 'HTTP';
    }
  }
  // Go serialises the (non-pointer) ResourceRequirements struct even when empty.
  if (c.resources === undefined) c.resources = {};
}

const VOLUME_SOURCES = [
  'hostPath',
  'emptyDir',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'secret',
  'nfs',
  'iscsi',
  'glusterfs',
  'persistentVolumeClaim',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'downwardAPI',
  'fc',
  'azureFile',
  'configMap',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'projected',
  'portworxVolume',
  'scaleIO',
  'storageos',
  'csi',
  'ephemeral',
  'image',
] as const;

export function volumeSources(v: Json): string[] {
  return VOLUME_SOURCES.filter((k) => v[k] !== undefined && v[k] !== null);
}

function defaultItemsFieldRefs(items: unknown): void {
  if (!Array.isArray(items)) return;
  for (const it of items) if (isObj(it) && isObj(it.fieldRef)) it.fieldRef.apiVersion ??= 'v1';
}

/** corev1 SetDefaults_Volume and the defaults of each source. Mutates `v`. */
export function defaultVolume(v: Json): void {
  if (volumeSources(v).length === 0) v.emptyDir = {};
  if (isObj(v.secret)) v.secret.defaultMode ??= 420;
  if (isObj(v.configMap)) v.configMap.defaultMode ??= 420;
  if (isObj(v.downwardAPI)) {
    v.downwardAPI.defaultMode ??= 420;
    defaultItemsFieldRefs(v.downwardAPI.items);
  }
  if (isObj(v.projected)) {
    v.projected.defaultMode ??= 420;
    if (Array.isArray(v.projected.sources)) {
      for (const s of v.projected.sources) {
        if (isObj(s) && isObj(s.downwardAPI)) defaultItemsFieldRefs(s.downwardAPI.items);
        if (isObj(s) && isObj(s.serviceAccountToken)) s.serviceAccountToken.expirationSeconds ??= 3600;
      }
    }
  }
  if (isObj(v.hostPath)) v.hostPath.type ??= '';
  if (isObj(v.iscsi)) v.iscsi.iscsiInterface ??= 'default';
  if (isObj(v.rbd)) {
    v.rbd.pool ??= 'rbd';
    v.rbd.user ??= 'admin';
    v.rbd.keyring ??= '/etc/ceph/keyring';
  }
  if (isObj(v.azureDisk)) {
    v.azureDisk.cachingMode ??= 'ReadWrite';
    v.azureDisk.fsType ??= 'ext4';
    v.azureDisk.readOnly ??= false;
    v.azureDisk.kind ??= 'Shared';
  }
}

function defaultSidecarContainer(c: SidecarContainer, injectPolicy: 'BeforeAppContainer' | 'AfterAppContainer'): void {
  if (!c.podInjectPolicy) c.podInjectPolicy = injectPolicy;
  c.upgradeStrategy = { ...(c.upgradeStrategy ?? {}) };
  if (!c.upgradeStrategy.upgradeType) c.upgradeStrategy.upgradeType = 'ColdUpgrade';
  c.shareVolumePolicy = { ...(c.shareVolumePolicy ?? {}) };
  if (!c.shareVolumePolicy.type) c.shareVolumePolicy.type = 'disabled';
  defaultContainer(c as Json);
  for (const t of c.transferEnv ?? []) {
    const ref = t.sourceContainerNameFrom?.fieldRef;
    if (ref && !ref.apiVersion) ref.apiVersion = 'v1';
  }
}

/** Applies the webhook's defaults to a (copied) v1beta1 SidecarSet. Mutates and returns it. */
export function defaultSidecarSet(ss: SidecarSet): SidecarSet {
  const spec = ss.spec;
  const us = { ...(spec.updateStrategy ?? {}) };
  spec.updateStrategy = us;
  if (!us.type) us.type = 'RollingUpdate';
  if (us.maxUnavailable === undefined || us.maxUnavailable === null) us.maxUnavailable = 1;
  if (us.partition === undefined || us.partition === null) us.partition = 0;
  for (const c of spec.initContainers ?? []) defaultSidecarContainer(c, 'AfterAppContainer');
  for (const c of spec.containers ?? []) defaultSidecarContainer(c, 'BeforeAppContainer');
  for (const v of spec.volumes ?? []) defaultVolume(v as Json);
  if (spec.revisionHistoryLimit === undefined || spec.revisionHistoryLimit === null) spec.revisionHistoryLimit = 10;
  for (const p of spec.patchPodMetadata ?? []) if (!p.patchPolicy) p.patchPolicy = 'Retain';
  spec.injectionStrategy = { ...(spec.injectionStrategy ?? {}) };
  const rev = spec.injectionStrategy.revision;
  if (rev && !rev.policy) spec.injectionStrategy.revision = { ...rev, policy: 'Always' };
  return ss;
}
