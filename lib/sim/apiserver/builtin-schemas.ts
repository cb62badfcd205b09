/**
 * Schemas of the built-in kinds, hand-written from the Kubernetes API field lists. They drive
 * unknown-field detection for ?fieldValidation=Strict|Warn (what `kubectl apply` relies on), the
 * OpenAPI documents (`kubectl explain`, kubectl 1.20's client-side validation) and their patch
 * merge keys. Structs listed with `properties` name every field the real type has; the deep
 * corners (probes' handlers, affinity, volume sources, statuses) are left open.
 */
import type { Schema } from './schema';

const str: Schema = { type: 'string' };
const int32: Schema = { type: 'integer', format: 'int32' };
const int64: Schema = { type: 'integer', format: 'int64' };
const bool: Schema = { type: 'boolean' };
const time: Schema = { type: 'string', format: 'date-time' };
const intOrString: Schema = { 'x-kubernetes-int-or-string': true };
const quantity: Schema = {
  'x-kubernetes-int-or-string': true,
  description: 'Quantity: a fixed-point number with an optional suffix (100m, 128Mi).',
};
/** An object whose content is not described here (anything goes). */
const open = (description: string): Schema => ({ type: 'object', description, 'x-kubernetes-preserve-unknown-fields': true });

function obj(properties: Record<string, Schema>, extra: Partial<Schema> = {}): Schema {
  return { type: 'object', properties, ...extra };
}

function arr(items: Schema, mergeKey?: string): Schema {
  if (!mergeKey) return { type: 'array', items };
  return {
    type: 'array',
    items,
    'x-kubernetes-patch-merge-key': mergeKey,
    'x-kubernetes-patch-strategy': 'merge',
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': [mergeKey],
  };
}

function map(values: Schema): Schema {
  return { type: 'object', additionalProperties: values };
}

const strings = arr(str);
const stringMap = map(str);

const ownerReference = obj(
  { apiVersion: str, kind: str, name: str, uid: str, controller: bool, blockOwnerDeletion: bool },
  { required: ['apiVersion', 'kind', 'name', 'uid'] },
);

export const objectMeta = obj({
  name: str,
  generateName: str,
  namespace: str,
  selfLink: str,
  uid: str,
  resourceVersion: str,
  generation: int64,
  creationTimestamp: time,
  deletionTimestamp: time,
  deletionGracePeriodSeconds: int64,
  labels: stringMap,
  annotations: stringMap,
  ownerReferences: arr(ownerReference, 'uid'),
  finalizers: { ...strings, 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-list-type': 'set' },
  managedFields: arr(open('ManagedFieldsEntry')),
});

const labelSelector = obj({
  matchLabels: stringMap,
  matchExpressions: arr(obj({ key: str, operator: str, values: strings }, { required: ['key', 'operator'] })),
});

const keySelector = (extra: Record<string, Schema> = {}) => obj({ key: str, name: str, optional: bool, ...extra });

const envVar = obj(
  {
    name: str,
    value: str,
    valueFrom: obj({
      fieldRef: obj({ apiVersion: str, fieldPath: str }, { required: ['fieldPath'] }),
      resourceFieldRef: obj({ containerName: str, resource: str, divisor: quantity }, { required: ['resource'] }),
      configMapKeyRef: keySelector(),
      secretKeyRef: keySelector(),
      fileKeyRef: open('FileKeySelector'),
    }),
  },
  { required: ['name'] },
);

const envFromSource = obj({
  prefix: str,
  configMapRef: obj({ name: str, optional: bool }),
  secretRef: obj({ name: str, optional: bool }),
});

const containerPort = obj(
  { name: str, hostPort: int32, containerPort: int32, protocol: str, hostIP: str },
  { required: ['containerPort'] },
);

const resources = obj({ limits: map(quantity), requests: map(quantity), claims: arr(obj({ name: str, request: str }), 'name') });

const volumeMount = obj(
  { name: str, readOnly: bool, recursiveReadOnly: str, mountPath: str, subPath: str, mountPropagation: str, subPathExpr: str },
  { required: ['name', 'mountPath'] },
);

const httpGet = obj(
  { path: str, port: intOrString, host: str, scheme: str, httpHeaders: arr(obj({ name: str, value: str })) },
  { required: ['port'] },
);
const handler = {
  exec: obj({ command: strings }),
  httpGet,
  tcpSocket: obj({ port: intOrString, host: str }, { required: ['port'] }),
  grpc: obj({ port: int32, service: str }, { required: ['port'] }),
};
const probe = obj({
  ...handler,
  initialDelaySeconds: int32,
  timeoutSeconds: int32,
  periodSeconds: int32,
  successThreshold: int32,
  failureThreshold: int32,
  terminationGracePeriodSeconds: int64,
});
const lifecycleHandler = obj({ exec: handler.exec, httpGet, tcpSocket: handler.tcpSocket, sleep: obj({ seconds: int64 }) });

const securityContext = obj({
  capabilities: obj({ add: strings, drop: strings }),
  privileged: bool,
  seLinuxOptions: open('SELinuxOptions'),
  windowsOptions: open('WindowsSecurityContextOptions'),
  runAsUser: int64,
  runAsGroup: int64,
  runAsNonRoot: bool,
  readOnlyRootFilesystem: bool,
  allowPrivilegeEscalation: bool,
  procMount: str,
  seccompProfile: obj({ type: str, localhostProfile: str }),
  appArmorProfile: obj({ type: str, localhostProfile: str }),
});

export const container = obj(
  {
    name: str,
    image: str,
    command: strings,
    args: strings,
    workingDir: str,
    ports: {
      ...arr(containerPort, 'containerPort'),
      'x-kubernetes-list-map-keys': ['containerPort', 'protocol'],
    },
    envFrom: arr(envFromSource),
    env: arr(envVar, 'name'),
    resources,
    resizePolicy: arr(obj({ resourceName: str, restartPolicy: str })),
    restartPolicy: str,
    restartPolicyRules: arr(open('ContainerRestartRule')),
    volumeMounts: arr(volumeMount, 'mountPath'),
    volumeDevices: arr(obj({ name: str, devicePath: str }), 'devicePath'),
    livenessProbe: probe,
    readinessProbe: probe,
    startupProbe: probe,
    lifecycle: obj({ postStart: lifecycleHandler, preStop: lifecycleHandler, stopSignal: str }),
    terminationMessagePath: str,
    terminationMessagePolicy: str,
    imagePullPolicy: str,
    securityContext,
    stdin: bool,
    stdinOnce: bool,
    tty: bool,
  },
  { required: ['name'] },
);

const toleration = obj({ key: str, operator: str, value: str, effect: str, tolerationSeconds: int64 });

/** A volume: its name plus one source (the ~30 source types are not described one by one). */
const volume = obj({ name: str }, { required: ['name'], 'x-kubernetes-preserve-unknown-fields': true });

export const podSpec = obj(
  {
    volumes: arr(volume, 'name'),
    initContainers: arr(container, 'name'),
    containers: arr(container, 'name'),
    ephemeralContainers: arr(open('EphemeralContainer'), 'name'),
    restartPolicy: str,
    terminationGracePeriodSeconds: int64,
    activeDeadlineSeconds: int64,
    dnsPolicy: str,
    nodeSelector: stringMap,
    serviceAccountName: str,
    serviceAccount: str,
    automountServiceAccountToken: bool,
    nodeName: str,
    hostNetwork: bool,
    hostPID: bool,
    hostIPC: bool,
    shareProcessNamespace: bool,
    securityContext: open('PodSecurityContext'),
    imagePullSecrets: arr(obj({ name: str }), 'name'),
    hostname: str,
    subdomain: str,
    affinity: open('Affinity'),
    schedulerName: str,
    tolerations: arr(toleration),
    hostAliases: arr(obj({ ip: str, hostnames: strings }), 'ip'),
    priorityClassName: str,
    priority: int32,
    dnsConfig: open('PodDNSConfig'),
    readinessGates: arr(obj({ conditionType: str })),
    runtimeClassName: str,
    enableServiceLinks: bool,
    preemptionPolicy: str,
    overhead: map(quantity),
    topologySpreadConstraints: arr(open('TopologySpreadConstraint'), 'topologyKey'),
    setHostnameAsFQDN: bool,
    os: obj({ name: str }),
    hostUsers: bool,
    schedulingGates: arr(obj({ name: str }), 'name'),
    resourceClaims: arr(open('PodResourceClaim'), 'name'),
    resources,
    hostnameOverride: str,
    schedulingGroup: open('PodSchedulingGroup'),
    evictionResponders: arr(open('EvictionResponder')),
  },
  { required: ['containers'] },
);

const podTemplate = obj({ metadata: objectMeta, spec: podSpec });

function kind(spec?: Schema, status?: Schema, extra: Record<string, Schema> = {}): Schema {
  return obj({ ...(spec ? { spec } : {}), ...(status ? { status } : {}), ...extra });
}

const status = (name: string) => open(`${name}Status: written by the system`);

export function builtinSchemas(): Record<string, Schema> {
  return {
    namespaces: kind(obj({ finalizers: strings }), status('Namespace')),
    pods: kind(podSpec, status('Pod')),
    nodes: kind(
      obj({
        podCIDR: str,
        podCIDRs: strings,
        providerID: str,
        unschedulable: bool,
        taints: arr(obj({ key: str, value: str, effect: str, timeAdded: time })),
        configSource: open('NodeConfigSource'),
        externalID: str,
      }),
      status('Node'),
    ),
    events: obj({
      involvedObject: obj({ kind: str, namespace: str, name: str, uid: str, apiVersion: str, resourceVersion: str, fieldPath: str }),
      reason: str,
      message: str,
      source: obj({ component: str, host: str }),
      firstTimestamp: time,
      lastTimestamp: time,
      count: int32,
      type: str,
      eventTime: { type: 'string', format: 'date-time' },
      series: open('EventSeries'),
      action: str,
      related: open('ObjectReference'),
      reportingComponent: str,
      reportingInstance: str,
    }),
    'apps/deployments': kind(
      obj(
        {
          replicas: int32,
          selector: labelSelector,
          template: podTemplate,
          strategy: obj({ type: str, rollingUpdate: obj({ maxUnavailable: intOrString, maxSurge: intOrString }) }),
          minReadySeconds: int32,
          revisionHistoryLimit: int32,
          paused: bool,
          progressDeadlineSeconds: int32,
        },
        { required: ['selector', 'template'] },
      ),
      status('Deployment'),
    ),
    'apps/replicasets': kind(
      obj({ replicas: int32, minReadySeconds: int32, selector: labelSelector, template: podTemplate }, { required: ['selector'] }),
      status('ReplicaSet'),
    ),
    'apps/statefulsets': kind(
      obj(
        {
          replicas: int32,
          selector: labelSelector,
          template: podTemplate,
          volumeClaimTemplates: arr(open('PersistentVolumeClaim')),
          serviceName: str,
          podManagementPolicy: str,
          updateStrategy: obj({ type: str, rollingUpdate: obj({ partition: int32, maxUnavailable: intOrString }) }),
          revisionHistoryLimit: int32,
          minReadySeconds: int32,
          persistentVolumeClaimRetentionPolicy: obj({ whenDeleted: str, whenScaled: str }),
          ordinals: obj({ start: int32 }),
        },
        { required: ['selector', 'template'] },
      ),
      status('StatefulSet'),
    ),
    'apps/daemonsets': kind(
      obj(
        {
          selector: labelSelector,
          template: podTemplate,
          updateStrategy: obj({ type: str, rollingUpdate: obj({ maxUnavailable: intOrString, maxSurge: intOrString }) }),
          minReadySeconds: int32,
          revisionHistoryLimit: int32,
        },
        { required: ['selector', 'template'] },
      ),
      status('DaemonSet'),
    ),
    'apps/controllerrevisions': obj({ data: open('RawExtension'), revision: int64 }, { required: ['revision'] }),
  };
}
