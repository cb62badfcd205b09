/**
 * Server-side printing: the `Table` objects `kubectl get` asks for (Accept: ...;as=Table), with
 * the columns and cell formats of kube-apiserver's printers (pkg/printers/internalversion) and,
 * for custom resources, the CRD's additionalPrinterColumns.
 */
import { formatSelector } from '@/lib/fleet/label-selector';
import type { KObject } from '../types';
import type { PrinterColumn, ResourceDef } from './resources';
import { isObject, type JsonObject } from './util';

type Cell = string | number | boolean | null;

interface Printer {
  columns: PrinterColumn[];
  row(o: KObject, now: number): Cell[];
}

const NAME_COL: PrinterColumn = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description:
    'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
};
const AGE_COL: PrinterColumn = {
  name: 'Age',
  type: 'string',
  description:
    'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
};

function col(name: string, type: string, description: string, priority = 0): PrinterColumn {
  return { name, type, description, ...(priority ? { priority } : {}) };
}

/** apimachinery's duration.HumanDuration. */
export function humanDuration(ms: number): string {
  if (ms < -1000) return '<invalid>';
  if (ms < 0) return '0s';
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.floor(hours / 24) % 365;
    return dy === 0 ? `${Math.floor(hours / 24 / 365)}y` : `${Math.floor(hours / 24 / 365)}y${dy}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

function age(ts: unknown, now: number): string {
  if (typeof ts !== 'string' || ts === '') return '<unknown>';
  return humanDuration(now - Date.parse(ts));
}

function obj(v: unknown): JsonObject {
  return isObject(v) ? v : {};
}

function arr(v: unknown): JsonObject[] {
  return Array.isArray(v) ? (v.filter(isObject) as JsonObject[]) : [];
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

function templateContainers(o: KObject): { names: string; images: string } {
  const cs = arr(obj(obj(obj(o.spec).template).spec).containers);
  return { names: cs.map((c) => c.name).join(','), images: cs.map((c) => c.image).join(',') };
}

function selectorText(o: KObject): string {
  const sel = obj(o.spec).selector;
  if (!isObject(sel)) return '<none>';
  const s = formatSelector(sel as never);
  return s === '<everything>' ? '<none>' : s;
}

/** The STATUS column of `kubectl get pods`, by the same rules as the real printer. */
export function podStatusReason(pod: KObject): string {
  const status = obj(pod.status);
  let reason = (status.reason as string) || (status.phase as string) || 'Pending';
  const initStatuses = arr(status.initContainerStatuses);
  const initCount = arr(obj(pod.spec).initContainers).length;
  let initializing = false;
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i] as JsonObject;
    const st = obj(c.state);
    const term = obj(st.terminated);
    const wait = obj(st.waiting);
    if (isObject(st.terminated) && term.exitCode === 0) continue;
    if (isObject(st.running) && (c.started === true || c.ready === true)) continue; // a native sidecar
    if (isObject(st.terminated)) {
      reason = term.reason ? `Init:${term.reason}` : `Init:ExitCode:${term.exitCode}`;
    } else if (wait.reason && wait.reason !== 'PodInitializing') {
      reason = `Init:${wait.reason}`;
    } else {
      reason = `Init:${i}/${initCount}`;
    }
    initializing = true;
    break;
  }
  if (!initializing) {
    let hasRunning = false;
    const cs = arr(status.containerStatuses);
    for (let i = cs.length - 1; i >= 0; i--) {
      const c = cs[i] as JsonObject;
      const st = obj(c.state);
      const wait = obj(st.waiting);
      const term = obj(st.terminated);
      if (wait.reason) reason = wait.reason as string;
      else if (term.reason) reason = term.reason as string;
      else if (isObject(st.terminated)) reason = term.signal ? `Signal:${term.signal}` : `ExitCode:${term.exitCode}`;
      else if (isObject(st.running) && c.ready === true) hasRunning = true;
    }
    if (reason === 'Completed' && hasRunning) {
      const ready = arr(status.conditions).some((c) => c.type === 'Ready' && c.status === 'True');
      reason = ready ? 'Running' : 'NotReady';
    }
  }
  if (pod.metadata.deletionTimestamp) reason = status.reason === 'NodeLost' ? 'Unknown' : 'Terminating';
  return reason;
}

function podRow(o: KObject, now: number): Cell[] {
  const status = obj(o.status);
  const cs = arr(status.containerStatuses);
  const total = arr(obj(o.spec).containers).length;
  let ready = 0;
  let restarts = 0;
  let lastRestart = 0;
  for (const c of cs) {
    if (c.ready === true) ready++;
    restarts += num(c.restartCount);
    const t = obj(obj(c.lastState).terminated).finishedAt;
    if (typeof t === 'string') lastRestart = Math.max(lastRestart, Date.parse(t));
  }
  const restartCell = lastRestart > 0 && restarts > 0 ? `${restarts} (${humanDuration(now - lastRestart)} ago)` : String(restarts);
  const gates = arr(obj(o.spec).readinessGates);
  let gatesCell = '<none>';
  if (gates.length) {
    const conds = arr(status.conditions);
    const ok = gates.filter((g) => conds.some((c) => c.type === g.conditionType && c.status === 'True')).length;
    gatesCell = `${ok}/${gates.length}`;
  }
  return [
    o.metadata.name,
    `${ready}/${total}`,
    podStatusReason(o),
    restartCell,
    age(o.metadata.creationTimestamp, now),
    (status.podIP as string) || '<none>',
    (obj(o.spec).nodeName as string) || '<none>',
    (status.nominatedNodeName as string) || '<none>',
    gatesCell,
  ];
}

const PRINTERS: Record<string, Printer> = {
  pods: {
    columns: [
      NAME_COL,
      col('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
      col('Status', 'string', 'The aggregate status of the containers in this pod.'),
      col(
        'Restarts',
        'string',
        'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
      ),
      AGE_COL,
      col('IP', 'string', 'IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.', 1),
      col('Node', 'string', 'NodeName is a request to schedule this pod onto a specific node.', 1),
      col('Nominated Node', 'string', 'nominatedNodeName is set only when this pod preempts other pods on the node.', 1),
      col('Readiness Gates', 'string', 'If specified, all readiness gates will be evaluated for pod readiness.', 1),
    ],
    row: podRow,
  },
  namespaces: {
    columns: [NAME_COL, col('Status', 'string', 'The status of the namespace'), AGE_COL],
    row: (o, now) => [o.metadata.name, (obj(o.status).phase as string) ?? '', age(o.metadata.creationTimestamp, now)],
  },
  nodes: {
    columns: [
      NAME_COL,
      col('Status', 'string', 'The status of the node'),
      col('Roles', 'string', 'The roles of the node'),
      AGE_COL,
      col('Version', 'string', 'Kubelet Version reported by the node.'),
      col('Internal-IP', 'string', 'List of addresses reachable to the node. Queried from cloud provider, if available.', 1),
      col('External-IP', 'string', 'List of addresses reachable to the node. Queried from cloud provider, if available.', 1),
      col('OS-Image', 'string', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', 1),
      col('Kernel-Version', 'string', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", 1),
      col(
        'Container-Runtime',
        'string',
        'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).',
        1,
      ),
    ],
    row: (o, now) => {
      const st = obj(o.status);
      const ready = arr(st.conditions).find((c) => c.type === 'Ready');
      let status = ready?.status === 'True' ? 'Ready' : ready ? 'NotReady' : 'Unknown';
      if (obj(o.spec).unschedulable === true) status += ',SchedulingDisabled';
      const roles = Object.keys(o.metadata.labels ?? {})
        .filter((k) => k.startsWith('node-role.kubernetes.io/'))
        .map((k) => k.slice('node-role.kubernetes.io/'.length))
        .sort();
      const addr = (t: string) => (arr(st.addresses).find((a) => a.type === t)?.address as string) ?? '<none>';
      const info = obj(st.nodeInfo);
      return [
        o.metadata.name,
        status,
        roles.length ? roles.join(',') : '<none>',
        age(o.metadata.creationTimestamp, now),
        (info.kubeletVersion as string) ?? '',
        addr('InternalIP'),
        addr('ExternalIP'),
        (info.osImage as string) ?? '<unknown>',
        (info.kernelVersion as string) ?? '<unknown>',
        (info.containerRuntimeVersion as string) ?? '<unknown>',
      ];
    },
  },
  events: {
    columns: [
      col('Last Seen', 'string', 'Time when last event occurred'),
      col('Type', 'string', 'Type of this event (Normal, Warning), new types could be added in the future.'),
      col('Reason', 'string', 'Reason why the action was taken. It is human-readable.'),
      col('Object', 'string', 'The object that this event is about. Mapped from Event.InvolvedObject.'),
      col('Subobject', 'string', 'The subobject that this event is about. Mapped from Event.InvolvedObject.FieldPath', 1),
      col('Source', 'string', 'The source of this event', 1),
      col('Message', 'string', 'A human-readable description of the status of this operation.'),
      col('First Seen', 'string', 'Time when first event occurred', 1),
      col('Count', 'string', 'The number of times this event has occurred.', 1),
      { ...NAME_COL, priority: 1 },
    ],
    row: (o, now) => {
      const io = obj(o.involvedObject);
      const last = (o.lastTimestamp as string) || (o.eventTime as string) || o.metadata.creationTimestamp;
      const first = (o.firstTimestamp as string) || (o.eventTime as string) || o.metadata.creationTimestamp;
      const src = obj(o.source);
      return [
        age(last, now),
        (o.type as string) ?? '',
        (o.reason as string) ?? '',
        `${String(io.kind ?? '').toLowerCase()}/${io.name ?? ''}`,
        (io.fieldPath as string) ?? '',
        [src.component, src.host].filter(Boolean).join(', '),
        (o.message as string) ?? '',
        age(first, now),
        String(num(o.count) || 1),
        o.metadata.name,
      ];
    },
  },
  'apps/deployments': {
    columns: [
      NAME_COL,
      col('Ready', 'string', 'Number of the pod with ready state'),
      col('Up-to-date', 'integer', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
      col('Available', 'integer', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'),
      AGE_COL,
      col('Containers', 'string', 'Names of each container in the template.', 1),
      col('Images', 'string', 'Images referenced by each container in the template.', 1),
      col(
        'Selector',
        'string',
        'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.',
        1,
      ),
    ],
    row: (o, now) => {
      const st = obj(o.status);
      const tc = templateContainers(o);
      return [
        o.metadata.name,
        `${num(st.readyReplicas)}/${num(obj(o.spec).replicas)}`,
        num(st.updatedReplicas),
        num(st.availableReplicas),
        age(o.metadata.creationTimestamp, now),
        tc.names,
        tc.images,
        selectorText(o),
      ];
    },
  },
  'apps/replicasets': {
    columns: [
      NAME_COL,
      col('Desired', 'integer', 'Number of desired pods.'),
      col('Current', 'integer', 'Replicas is the most recently observed number of replicas.'),
      col('Ready', 'integer', 'The number of ready replicas for this replica set.'),
      AGE_COL,
      col('Containers', 'string', 'Names of each container in the template.', 1),
      col('Images', 'string', 'Images referenced by each container in the template.', 1),
      col('Selector', 'string', 'Selector is a label query over pods that should match the replica count.', 1),
    ],
    row: (o, now) => {
      const st = obj(o.status);
      const tc = templateContainers(o);
      return [
        o.metadata.name,
        num(obj(o.spec).replicas),
        num(st.replicas),
        num(st.readyReplicas),
        age(o.metadata.creationTimestamp, now),
        tc.names,
        tc.images,
        selectorText(o),
      ];
    },
  },
  'apps/statefulsets': {
    columns: [
      NAME_COL,
      col('Ready', 'string', 'Number of the pod with ready state'),
      AGE_COL,
      col('Containers', 'string', 'Names of each container in the template.', 1),
      col('Images', 'string', 'Images referenced by each container in the template.', 1),
    ],
    row: (o, now) => {
      const tc = templateContainers(o);
      return [
        o.metadata.name,
        `${num(obj(o.status).readyReplicas)}/${num(obj(o.spec).replicas)}`,
        age(o.metadata.creationTimestamp, now),
        tc.names,
        tc.images,
      ];
    },
  },
  'apps/daemonsets': {
    columns: [
      NAME_COL,
      col(
        'Desired',
        'integer',
        'The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod).',
      ),
      col('Current', 'integer', 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.'),
      col(
        'Ready',
        'integer',
        'numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition.',
      ),
      col('Up-to-date', 'integer', 'The total number of nodes that are running updated daemon pod'),
      col(
        'Available',
        'integer',
        'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)',
      ),
      col(
        'Node Selector',
        'string',
        "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/",
      ),
      AGE_COL,
      col('Containers', 'string', 'Names of each container in the template.', 1),
      col('Images', 'string', 'Images referenced by each container in the template.', 1),
      col('Selector', 'string', 'A label query over pods that are managed by the daemon set.', 1),
    ],
    row: (o, now) => {
      const st = obj(o.status);
      const tc = templateContainers(o);
      const ns = obj(obj(obj(obj(o.spec).template).spec).nodeSelector);
      const nsText = Object.entries(ns)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(',');
      return [
        o.metadata.name,
        num(st.desiredNumberScheduled),
        num(st.currentNumberScheduled),
        num(st.numberReady),
        num(st.updatedNumberScheduled),
        num(st.numberAvailable),
        nsText || '<none>',
        age(o.metadata.creationTimestamp, now),
        tc.names,
        tc.images,
        selectorText(o),
      ];
    },
  },
  'apps/controllerrevisions': {
    columns: [
      NAME_COL,
      col('Controller', 'string', 'Controller of the object'),
      col('Revision', 'integer', 'Revision indicates the revision of the state represented by Data.'),
      AGE_COL,
    ],
    row: (o, now) => {
      const ref = (o.metadata.ownerReferences ?? []).find((r) => r.controller);
      let ctl = '<none>';
      if (ref) {
        const g = ref.apiVersion.includes('/') ? ref.apiVersion.split('/')[0] : '';
        ctl = `${ref.kind.toLowerCase()}${g ? `.${g}` : ''}/${ref.name}`;
      }
      return [o.metadata.name, ctl, num(o.revision), age(o.metadata.creationTimestamp, now)];
    },
  },
  'apiextensions.k8s.io/customresourcedefinitions': {
    columns: [NAME_COL, { name: 'Created At', type: 'date', description: AGE_COL.description }],
    row: (o) => [o.metadata.name, o.metadata.creationTimestamp ?? null],
  },
};

/** A tiny evaluator for the JSONPath forms printer columns use: `.a.b`, `.a[0].b`, `.a['x.y']`. */
export function simpleJsonPath(o: unknown, path: string): unknown {
  const re = /\.([A-Za-z0-9_$-]+)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/g;
  let cur: unknown = o;
  let m: RegExpExecArray | null = re.exec(path);
  while (m !== null) {
    if (m[2] !== undefined) cur = Array.isArray(cur) ? cur[Number(m[2])] : undefined;
    else {
      const key = m[1] ?? m[3] ?? m[4] ?? '';
      cur = isObject(cur) ? cur[key] : undefined;
    }
    if (cur === undefined) return undefined;
    m = re.exec(path);
  }
  return cur;
}

function customPrinter(def: ResourceDef, version: string): Printer {
  const cols = def.printerColumns?.[version] ?? [];
  if (cols.length === 0) {
    return { columns: [NAME_COL, AGE_COL], row: (o, now) => [o.metadata.name, age(o.metadata.creationTimestamp, now)] };
  }
  return {
    columns: [
      NAME_COL,
      ...cols.map((c) => ({
        name: c.name,
        type: c.type,
        format: c.format ?? '',
        description: c.description ?? '',
        priority: c.priority ?? 0,
      })),
    ],
    row: (o, now) => [
      o.metadata.name,
      ...cols.map((c): Cell => {
        const v = simpleJsonPath(o, c.jsonPath ?? '');
        if (v === undefined || v === null) return null;
        if (c.type === 'date') return typeof v === 'string' ? age(v, now) : null;
        if (typeof v === 'object') return JSON.stringify(v);
        return v as Cell;
      }),
    ],
  };
}

function printerFor(def: ResourceDef, version: string): Printer {
  if (def.crd) return customPrinter(def, version);
  return (
    PRINTERS[def.id] ?? {
      columns: [NAME_COL, { name: 'Created At', type: 'date', description: AGE_COL.description }],
      row: (o) => [o.metadata.name, o.metadata.creationTimestamp ?? null],
    }
  );
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

function rowObject(o: KObject, include: IncludeObject): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return o;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}

export function toTable(
  def: ResourceDef,
  version: string,
  items: KObject[],
  listMeta: JsonObject,
  include: IncludeObject,
  noHeaders = false,
): JsonObject {
  const p = printerFor(def, version);
  const now = Date.now();
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: noHeaders ? null : p.columns.map((c) => ({ priority: 0, format: '', ...c })),
    rows: items.map((o) => {
      const row: JsonObject = { cells: p.row(o, now) };
      const ob = rowObject(o, include);
      if (ob !== undefined) row.object = ob;
      return row;
    }),
  };
}
