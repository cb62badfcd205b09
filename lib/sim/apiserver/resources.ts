/**
 * The resources the built-in API server serves: one table that discovery, routing, RBAC, the
 * store and the OpenAPI documents all read, so a resource is added in one place.
 */
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import type { ResourceId } from '../types';
import type { JsonObject } from './util';

export interface PrinterColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath?: string;
}

export interface ResourceDef {
  id: ResourceId;
  /** '' for the core group. */
  group: string;
  /** Served versions, the preferred one first. */
  versions: string[];
  storageVersion: string;
  plural: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs: string[];
  status: boolean;
  scale: boolean;
  /** Spec changes bump metadata.generation. */
  hasSpec: boolean;
  /** Not stored: create answers a review (selfsubjectaccessreviews). */
  virtual?: boolean;
  /** The CRD when this is a custom resource. */
  crd?: JsonObject;
  /** Printer columns from the CRD, per version. */
  printerColumns?: Record<string, PrinterColumn[]>;
}

const RW = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function core(plural: string, kind: string, o: Partial<ResourceDef> & { namespaced: boolean }): ResourceDef {
  return {
    id: plural,
    group: '',
    versions: ['v1'],
    storageVersion: 'v1',
    plural,
    singular: kind.toLowerCase(),
    kind,
    listKind: `${kind}List`,
    verbs: RW,
    status: false,
    scale: false,
    hasSpec: true,
    ...o,
  };
}

function apps(plural: string, kind: string, o: Partial<ResourceDef>): ResourceDef {
  return {
    id: `apps/${plural}`,
    group: 'apps',
    versions: ['v1'],
    storageVersion: 'v1',
    plural,
    singular: kind.toLowerCase(),
    kind,
    listKind: `${kind}List`,
    namespaced: true,
    verbs: RW,
    status: true,
    scale: false,
    hasSpec: true,
    ...o,
  };
}

const crdUrl = new URL('../crds/apps.kruise.io_sidecarsets.yaml', import.meta.url);

/** The vendored SidecarSet CRD, parsed once. */
export function sidecarSetCrd(): JsonObject {
  return yaml.load(readFileSync(crdUrl, 'utf8')) as JsonObject;
}

function fromCrd(crd: JsonObject): ResourceDef {
  const spec = crd.spec as {
    group: string;
    names: { plural: string; singular: string; kind: string; listKind: string; shortNames?: string[]; categories?: string[] };
    scope: string;
    versions: Array<{
      name: string;
      served: boolean;
      storage: boolean;
      subresources?: { status?: unknown; scale?: unknown };
      additionalPrinterColumns?: PrinterColumn[];
    }>;
  };
  const served = spec.versions.filter((v) => v.served);
  const storage = spec.versions.find((v) => v.storage);
  // Discovery lists the preferred version first: the highest by Kubernetes version priority.
  const versions = served.map((v) => v.name).sort(compareKubeVersions);
  const printerColumns: Record<string, PrinterColumn[]> = {};
  for (const v of served) printerColumns[v.name] = v.additionalPrinterColumns ?? [];
  return {
    id: `${spec.group}/${spec.names.plural}`,
    group: spec.group,
    versions,
    storageVersion: storage?.name ?? versions[0] ?? 'v1',
    plural: spec.names.plural,
    singular: spec.names.singular,
    kind: spec.names.kind,
    listKind: spec.names.listKind,
    namespaced: spec.scope === 'Namespaced',
    shortNames: spec.names.shortNames,
    categories: spec.names.categories,
    verbs: RW,
    status: served.some((v) => v.subresources?.status !== undefined),
    scale: served.some((v) => v.subresources?.scale !== undefined),
    hasSpec: true,
    crd,
    printerColumns,
  };
}

/**
 * Kubernetes version priority (v1 > v1beta2 > v1beta1 > v1alpha1 > others), as in
 * apimachinery's version.CompareKubeAwareVersionStrings, highest first.
 */
export function compareKubeVersions(a: string, b: string): number {
  const rank = (v: string): [number, number, number] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [0, 0, 0];
    const stage = m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1;
    return [stage, Number(m[1]), Number(m[3] ?? 0)];
  };
  const ra = rank(a);
  const rb = rank(b);
  for (let i = 0; i < 3; i++) if (ra[i] !== rb[i]) return (rb[i] as number) - (ra[i] as number);
  return a.localeCompare(b);
}

export class Registry {
  readonly defs: ResourceDef[];
  private byId = new Map<string, ResourceDef>();
  private byGroupPlural = new Map<string, ResourceDef>();

  constructor(defs: ResourceDef[]) {
    this.defs = defs;
    for (const d of defs) {
      this.byId.set(d.id, d);
      this.byGroupPlural.set(`${d.group}/${d.plural}`, d);
    }
  }

  get(id: ResourceId): ResourceDef {
    const d = this.byId.get(id);
    if (!d) throw new Error(`unknown resource ${id}`);
    return d;
  }

  find(id: ResourceId): ResourceDef | undefined {
    return this.byId.get(id);
  }

  lookup(group: string, version: string, plural: string): ResourceDef | undefined {
    const d = this.byGroupPlural.get(`${group}/${plural}`);
    return d?.versions.includes(version) ? d : undefined;
  }

  /** Groups in discovery order with their versions (preferred first). */
  groups(): Array<{ name: string; versions: string[] }> {
    const out = new Map<string, Set<string>>();
    for (const d of this.defs) {
      if (d.group === '') continue;
      const s = out.get(d.group) ?? new Set<string>();
      for (const v of d.versions) s.add(v);
      out.set(d.group, s);
    }
    return [...out].map(([name, vs]) => ({ name, versions: [...vs].sort(compareKubeVersions) }));
  }

  inGroupVersion(group: string, version: string): ResourceDef[] {
    return this.defs.filter((d) => d.group === group && d.versions.includes(version));
  }
}

/** The resources served; without Kruise there is no SidecarSet CRD, so no apps.kruise.io group. */
export function defaultResources(opts: { kruise?: boolean } = {}): ResourceDef[] {
  const kruise = opts.kruise !== false;
  return [
    core('namespaces', 'Namespace', {
      namespaced: false,
      shortNames: ['ns'],
      status: true,
      hasSpec: false,
      verbs: RW.filter((v) => v !== 'deletecollection'),
    }),
    core('pods', 'Pod', { namespaced: true, shortNames: ['po'], categories: ['all'], status: true }),
    core('nodes', 'Node', { namespaced: false, shortNames: ['no'], status: true }),
    core('events', 'Event', { namespaced: true, shortNames: ['ev'], hasSpec: false }),
    apps('deployments', 'Deployment', { shortNames: ['deploy'], categories: ['all'], scale: true }),
    apps('replicasets', 'ReplicaSet', { shortNames: ['rs'], categories: ['all'], scale: true }),
    apps('statefulsets', 'StatefulSet', { shortNames: ['sts'], categories: ['all'], scale: true }),
    apps('daemonsets', 'DaemonSet', { shortNames: ['ds'], categories: ['all'] }),
    apps('controllerrevisions', 'ControllerRevision', { status: false, hasSpec: false }),
    ...(kruise ? [fromCrd(sidecarSetCrd())] : []),
    {
      id: 'apiextensions.k8s.io/customresourcedefinitions',
      group: 'apiextensions.k8s.io',
      versions: ['v1'],
      storageVersion: 'v1',
      plural: 'customresourcedefinitions',
      singular: 'customresourcedefinition',
      kind: 'CustomResourceDefinition',
      listKind: 'CustomResourceDefinitionList',
      namespaced: false,
      shortNames: ['crd', 'crds'],
      categories: ['api-extensions'],
      // Read-only here: the served CRDs are fixed at start-up.
      verbs: ['get', 'list', 'watch'],
      status: true,
      scale: false,
      hasSpec: true,
    },
    review('selfsubjectaccessreviews', 'SelfSubjectAccessReview'),
    review('selfsubjectrulesreviews', 'SelfSubjectRulesReview'),
    {
      ...review('selfsubjectreviews', 'SelfSubjectReview'),
      id: 'authentication.k8s.io/selfsubjectreviews',
      group: 'authentication.k8s.io',
    },
  ];
}

function review(plural: string, kind: string): ResourceDef {
  return {
    id: `authorization.k8s.io/${plural}`,
    group: 'authorization.k8s.io',
    versions: ['v1'],
    storageVersion: 'v1',
    plural,
    singular: kind.toLowerCase(),
    kind,
    listKind: `${kind}List`,
    namespaced: false,
    verbs: ['create'],
    status: false,
    scale: false,
    hasSpec: true,
    virtual: true,
  };
}

export function apiVersionOf(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.lastIndexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}
