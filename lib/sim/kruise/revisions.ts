/**
 * SidecarSet ControllerRevisions in the Kruise namespace (pkg/control/sidecarcontrol/history_control.go): naming, labels, data,
 * rollback reuse with a revision bump, the history limit with its protections, and the lookup of
 * `injectionStrategy.revision`.
 */
import type { ControllerRevision, SidecarSet, SidecarSetSpec } from '@/lib/fleet/k8s-types';
import { KRUISE } from '@/lib/fleet/k8s-types';
import { goMarshalUntyped } from '@/lib/fleet/go-json';
import { canonicalJson } from '@/lib/fleet/json';
import { ApiError, type KObject, type Store, type StoreReader, type WriteOptions } from '../types';
import { controllerRevisionHash, controllerRevisionName } from './hash';

export const REVISIONS = 'apps/controllerrevisions';
export const HASH_LABEL = 'controller.kubernetes.io/hash';

/**
 * The data of a revision, as the bytes Kruise sends (history_control.go, getPatch): the spec's
 * volumes, containers, initContainers, imagePullSecrets and patchPodMetadata (null when absent)
 * with `$patch: replace`, marshalled from maps, so every object's keys come sorted. The revision
 * name hashes these bytes.
 */
export function revisionDataJson(spec: SidecarSetSpec): string {
  return goMarshalUntyped({
    spec: {
      $patch: 'replace',
      volumes: spec.volumes ?? null,
      containers: spec.containers ?? null,
      initContainers: spec.initContainers ?? null,
      imagePullSecrets: spec.imagePullSecrets ?? null,
      patchPodMetadata: spec.patchPodMetadata ?? null,
    },
  });
}

/** The spec fields a revision holds (nulls dropped), to inject a historical version. */
export function revisionSpec(rev: ControllerRevision): SidecarSetSpec {
  const s = ((rev.data as { spec?: Record<string, unknown> } | undefined)?.spec ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of ['volumes', 'containers', 'initContainers', 'imagePullSecrets', 'patchPodMetadata']) {
    if (s[k] !== null && s[k] !== undefined) out[k] = s[k];
  }
  return out as SidecarSetSpec;
}

/** This SidecarSet's revisions, oldest revision number first (ties by name). */
export function listRevisions(store: StoreReader, ssName: string, namespace: string = KRUISE.kruiseNamespace): ControllerRevision[] {
  const items = store.list(REVISIONS, {
    namespace,
    labelSelector: `${KRUISE.revisionSidecarSetLabel}=${ssName}`,
  }) as unknown as ControllerRevision[];
  return [...items].sort((a, b) => a.revision - b.revision || (a.metadata.name < b.metadata.name ? -1 : 1));
}

/** The revision `injectionStrategy.revision` names: by name, else the newest with the custom version. */
export function findInjectionRevision(
  store: StoreReader,
  ss: SidecarSet,
  namespace: string = KRUISE.kruiseNamespace,
): { revision?: ControllerRevision; error?: string } {
  const r = ss.spec.injectionStrategy?.revision;
  if (!r) return {};
  if (r.revisionName != null) {
    const rev = store.get(REVISIONS, namespace, r.revisionName) as unknown as ControllerRevision | undefined;
    // Kruise reads through controller-runtime's cache, whose NotFound names the kind (ControllerRevision.apps).
    return rev ? { revision: rev } : { error: `ControllerRevision.apps "${r.revisionName}" not found` };
  }
  if (r.customVersion != null) {
    const all = listRevisions(store, ss.metadata.name, namespace).filter(
      (x) => x.metadata.labels?.[KRUISE.customVersionLabel] === r.customVersion,
    );
    const rev = all[all.length - 1];
    return rev
      ? { revision: rev }
      : // history_control.go, generateNotFoundError: named after the SidecarSet.
        { error: `ControllerRevision.apps "${ss.metadata.name}" not found` };
  }
  return {};
}

export interface SyncResult {
  latest: ControllerRevision;
  collisionCount: number;
}

function newRevision(ss: SidecarSet, data: unknown, hash: string, revision: number, namespace: string): KObject {
  const labels: Record<string, string> = {
    ...(ss.metadata.labels ?? {}),
    [KRUISE.revisionSidecarSetLabel]: ss.metadata.name,
    [HASH_LABEL]: hash,
  };
  if (ss.spec.customVersion) labels[KRUISE.customVersionLabel] = ss.spec.customVersion;
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: controllerRevisionName(ss.metadata.name, hash),
      namespace,
      labels,
      annotations: { ...(ss.metadata.annotations ?? {}) },
      ownerReferences: [
        {
          apiVersion: 'apps.kruise.io/v1beta1',
          kind: 'SidecarSet',
          name: ss.metadata.name,
          uid: ss.metadata.uid ?? '',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    data,
    revision,
  };
}

/**
 * Registers the current spec as the latest revision (reuse, bump, or create) and cuts the history.
 * `podRevisions` are the revision names matched pods still carry (never deleted).
 */
export function syncRevisions(
  store: Store,
  ss: SidecarSet,
  podRevisions: Set<string>,
  opts: { namespace?: string; write?: WriteOptions } = {},
): SyncResult {
  const namespace = opts.namespace ?? KRUISE.kruiseNamespace;
  const dataJson = revisionDataJson(ss.spec);
  const data = JSON.parse(dataJson) as unknown;
  const want = canonicalJson(data);
  let revisions = listRevisions(store, ss.metadata.name, namespace);
  const maxRev = revisions.reduce((m, r) => Math.max(m, r.revision), 0);
  const equal = revisions.filter((r) => canonicalJson(r.data) === want);
  let collisionCount = ss.status?.collisionCount ?? 0;
  let latest: ControllerRevision;

  const newest = revisions[revisions.length - 1];
  const match = equal[equal.length - 1];
  if (match && newest && match.metadata.name === newest.metadata.name) {
    latest = match;
  } else if (match) {
    // A rollback: the old revision keeps its name and moves to the top.
    latest = store.mutate(
      REVISIONS,
      namespace,
      match.metadata.name,
      (o) => {
        (o as unknown as ControllerRevision).revision = maxRev + 1;
      },
      opts.write,
    ) as unknown as ControllerRevision;
  } else {
    for (;;) {
      const hash = controllerRevisionHash(dataJson, collisionCount);
      const name = controllerRevisionName(ss.metadata.name, hash);
      const clash = store.get(REVISIONS, namespace, name) as unknown as ControllerRevision | undefined;
      if (clash) {
        if (canonicalJson(clash.data) === want) {
          latest = clash;
          break;
        }
        collisionCount++;
        continue;
      }
      try {
        latest = store.create(REVISIONS, newRevision(ss, data, hash, maxRev + 1, namespace), opts.write) as unknown as ControllerRevision;
      } catch (e) {
        if (e instanceof ApiError && e.code === 409) continue;
        throw e;
      }
      break;
    }
  }

  // spec.customVersion re-labels the latest revision.
  const cv = ss.spec.customVersion;
  if (cv && latest.metadata.labels?.[KRUISE.customVersionLabel] !== cv) {
    latest = store.mutate(
      REVISIONS,
      namespace,
      latest.metadata.name,
      (o) => {
        o.metadata.labels = { ...(o.metadata.labels ?? {}), [KRUISE.customVersionLabel]: cv };
      },
      opts.write,
    ) as unknown as ControllerRevision;
  }

  // History limit: oldest first, never the latest, one a pod runs, or the one injection refers to.
  revisions = listRevisions(store, ss.metadata.name, namespace);
  const limit = Math.max(1, ss.spec.revisionHistoryLimit ?? 10);
  if (revisions.length > limit) {
    const protectedNames = new Set<string>([latest.metadata.name, ...podRevisions]);
    const inj = findInjectionRevision(store, ss, namespace).revision;
    if (inj) protectedNames.add(inj.metadata.name);
    let toDelete = revisions.length - limit;
    for (const r of revisions) {
      if (toDelete <= 0) break;
      if (protectedNames.has(r.metadata.name)) continue;
      try {
        store.delete(REVISIONS, namespace, r.metadata.name, opts.write);
      } catch (e) {
        if (!(e instanceof ApiError && e.code === 404)) throw e;
      }
      toDelete--;
    }
  }
  return { latest, collisionCount };
}
