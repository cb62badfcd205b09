/**
 * The kubelet (and scheduler) stand-in. Event-driven off store.subscribe, with per-pod timers
 * and no periodic scans, so 10,000 pods cost nothing while they are steady:
 * - scheduling: a pod without spec.nodeName is bound to the node with the fewest pods;
 * - start-up: Pending → ContainerCreating → Running, container statuses (image, imageID, state,
 *   started, ready, restartCount) and the PodReadyToStartContainers / Initialized / Ready /
 *   ContainersReady / PodScheduled conditions, each step after a jittered delay;
 * - failures by image name (see images.ts): ErrImagePull ⇄ ImagePullBackOff, CrashLoopBackOff with
 *   a rising restartCount, InvalidImageName;
 * - in-place image change of a running container: only that container restarts. For a while its
 *   status keeps the old image and imageID (Kruise calls the pod "inconsistent"), then it turns
 *   not ready, then it runs the new image (new imageID, status.image = spec image) and turns ready
 *   after a delay, or fails by the rules.
 */
import type { Container, ContainerStatus, Pod, PodCondition } from '@/lib/fleet/k8s-types';
import { ApiError, type KObject, type SimController, type Store, type StoreEvent, type UserInfo } from '../types';
import { type ImageBehaviour, imageBehaviour, imageIdFor, isSlowImage, pullFailureMessage } from './images';
import { isNativeSidecar } from '@/lib/fleet/containers';

export interface KubeletOptions {
  /** The typical delay of one step (schedule, pull, start, ready), in ms. Default 400. */
  baseDelayMs: number;
  /** Random spread around each delay, as a fraction (0.5: 50%..150%). Default 0.5. */
  jitter: number;
  /** How long a container keeps reporting its old image after an in-place change, as a multiple of baseDelayMs. Default 2. */
  inconsistentFactor: number;
  /** Cap of the pull/crash back-off, as a multiple of baseDelayMs. Default 20. */
  backoffCapFactor: number;
  /** Kubernetes version reported by nodes. */
  kubeletVersion: string;
}

export const KUBELET_USER: UserInfo = { name: 'system:node:kubelet', groups: ['system:nodes'] };

const DEFAULTS: KubeletOptions = {
  baseDelayMs: 400,
  jitter: 0.5,
  inconsistentFactor: 2,
  backoffCapFactor: 20,
  kubeletVersion: 'v1.32.4',
};

type CState = 'waiting' | 'running' | 'terminated';

interface CRuntime {
  name: string;
  init: boolean;
  /** A native sidecar (init container with restartPolicy Always). */
  sidecar: boolean;
  /** The image the spec asks for. */
  specImage: string;
  /** The image (and id) the status reports. */
  image: string;
  imageID: string;
  state: CState;
  reason?: string;
  message?: string;
  exitCode?: number;
  ready: boolean;
  started: boolean;
  restartCount: number;
  startedAt?: string;
  lastTerminated?: Record<string, unknown>;
  attempts: number;
  /** Bumped on every in-place change so stale timers do nothing. */
  gen: number;
  containerID?: string;
}

interface PodRuntime {
  uid: string;
  namespace: string;
  name: string;
  nodeName?: string;
  podIP?: string;
  hostIP?: string;
  startTime?: string;
  scheduled: boolean;
  sandboxReady: boolean;
  containers: CRuntime[];
  timers: Set<NodeJS.Timeout>;
  slow: boolean;
}

let lastSecond = 0;
let lastStamp = '';

/** RFC 3339 at second resolution, as the API serializes metav1.Time (cached per second). */
function now(): string {
  const ms = Date.now();
  const sec = Math.floor(ms / 1000);
  if (sec !== lastSecond) {
    lastSecond = sec;
    lastStamp = `${new Date(sec * 1000).toISOString().slice(0, 19)}Z`;
  }
  return lastStamp;
}

function containerId(): string {
  let s = '';
  for (let i = 0; i < 4; i++)
    s += Math.floor(Math.random() * 2 ** 32)
      .toString(16)
      .padStart(8, '0');
  return `containerd://${s}${s}`;
}

export function nodeName(i: number): string {
  return `sim-node-${i + 1}`;
}

/** A simulated node object (created by the fleet seeding). */
export function nodeObject(i: number, version = DEFAULTS.kubeletVersion): KObject {
  const name = nodeName(i);
  const ts = now();
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'beta.kubernetes.io/arch': 'amd64',
        'topology.kubernetes.io/zone': `zone-${String.fromCharCode(97 + (i % 3))}`,
        ...(i === 0 ? { 'node-role.kubernetes.io/control-plane': '' } : {}),
      },
    },
    spec: { podCIDR: `10.244.${i}.0/24`, podCIDRs: [`10.244.${i}.0/24`] },
    status: {
      capacity: { cpu: '16', memory: '65843012Ki', pods: '5000', 'ephemeral-storage': '102626232Ki' },
      allocatable: { cpu: '16', memory: '65740612Ki', pods: '5000', 'ephemeral-storage': '94580335255' },
      conditions: [
        {
          type: 'MemoryPressure',
          status: 'False',
          reason: 'KubeletHasSufficientMemory',
          message: 'kubelet has sufficient memory available',
          lastHeartbeatTime: ts,
          lastTransitionTime: ts,
        },
        {
          type: 'DiskPressure',
          status: 'False',
          reason: 'KubeletHasNoDiskPressure',
          message: 'kubelet has no disk pressure',
          lastHeartbeatTime: ts,
          lastTransitionTime: ts,
        },
        {
          type: 'PIDPressure',
          status: 'False',
          reason: 'KubeletHasSufficientPID',
          message: 'kubelet has sufficient PID available',
          lastHeartbeatTime: ts,
          lastTransitionTime: ts,
        },
        {
          type: 'Ready',
          status: 'True',
          reason: 'KubeletReady',
          message: 'kubelet is posting ready status',
          lastHeartbeatTime: ts,
          lastTransitionTime: ts,
        },
      ],
      addresses: [
        { type: 'InternalIP', address: `172.18.0.${i + 2}` },
        { type: 'Hostname', address: name },
      ],
      nodeInfo: {
        machineID: `sim${String(i).padStart(29, '0')}`,
        systemUUID: `sim-${i}`,
        bootID: `sim-boot-${i}`,
        kernelVersion: '6.1.0-sim',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        containerRuntimeVersion: 'containerd://1.7.24',
        kubeletVersion: version,
        kubeProxyVersion: version,
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    },
  };
}

export class KubeletController implements SimController {
  name = 'kubelet';
  /** Live settings (the fleet seeding shortens baseDelayMs while it sets up). */
  opts: KubeletOptions;
  private store?: Store;
  private pods = new Map<string, PodRuntime>();
  private nodes = new Map<string, { ip: string; pods: number }>();
  private ipCounter = 2;
  private unsubscribe = () => {};
  private stopped = false;

  constructor(opts: Partial<KubeletOptions> = {}) {
    this.opts = { ...DEFAULTS, ...opts };
  }

  start(store: Store): void {
    this.store = store;
    this.stopped = false;
    for (const n of store.list('nodes')) this.addNode(n);
    this.unsubscribe = store.subscribe((ev) => this.onEvent(ev));
    for (const p of store.list('pods')) this.adopt(p as unknown as Pod);
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe();
    for (const p of this.pods.values()) for (const t of p.timers) clearTimeout(t);
    this.pods.clear();
  }

  /** Pods the kubelet is tracking (for tests and diagnostics). */
  get trackedPods(): number {
    return this.pods.size;
  }

  private addNode(n: KObject): void {
    const addrs = ((n.status as { addresses?: Array<{ type: string; address: string }> })?.addresses ?? []) as Array<{
      type: string;
      address: string;
    }>;
    const ip = addrs.find((a) => a.type === 'InternalIP')?.address ?? '172.18.0.2';
    if (!this.nodes.has(n.metadata.name)) this.nodes.set(n.metadata.name, { ip, pods: 0 });
  }

  private onEvent(ev: StoreEvent): void {
    if (this.stopped) return;
    if (ev.resource === 'nodes') {
      if (ev.type === 'DELETED') this.nodes.delete(ev.object.metadata.name);
      else this.addNode(ev.object);
      return;
    }
    if (ev.resource !== 'pods') return;
    const pod = ev.object as unknown as Pod;
    const uid = pod.metadata.uid as string;
    if (ev.type === 'DELETED') {
      const pr = this.pods.get(uid);
      if (pr) {
        for (const t of pr.timers) clearTimeout(t);
        this.pods.delete(uid);
        for (const k of this.events.keys()) if (k.startsWith(`${uid}|`)) this.events.delete(k);
        const n = pr.nodeName ? this.nodes.get(pr.nodeName) : undefined;
        if (n) n.pods--;
      }
      return;
    }
    const pr = this.pods.get(uid);
    if (!pr) {
      this.adopt(pod);
      return;
    }
    this.onSpecChange(pr, pod);
  }

  // ---- adoption -----------------------------------------------------------------------------

  /** Takes over a pod as it is (new, seeded Running, or restored from saved state). */
  private adopt(pod: Pod): void {
    const uid = pod.metadata.uid as string;
    const status = pod.status ?? {};
    const byName = new Map<string, ContainerStatus>();
    for (const s of [...(status.containerStatuses ?? []), ...(status.initContainerStatuses ?? [])]) byName.set(s.name, s);
    const mk = (c: Container, init: boolean): CRuntime => {
      const s = byName.get(c.name);
      const st = s?.state ?? {};
      const state: CState = st.running ? 'running' : st.terminated ? 'terminated' : 'waiting';
      return {
        name: c.name,
        init,
        sidecar: init && isNativeSidecar(c),
        specImage: c.image ?? '',
        image: s?.image ?? c.image ?? '',
        imageID: s?.imageID ?? '',
        state,
        reason: st.waiting?.reason ?? st.terminated?.reason,
        message: st.waiting?.message ?? st.terminated?.message,
        exitCode: st.terminated?.exitCode,
        ready: s?.ready ?? false,
        started: s?.started ?? false,
        restartCount: s?.restartCount ?? 0,
        startedAt: st.running?.startedAt ?? st.terminated?.startedAt,
        lastTerminated: s?.lastState?.terminated as Record<string, unknown> | undefined,
        attempts: 0,
        gen: 0,
        containerID: s?.containerID,
      };
    };
    const pr: PodRuntime = {
      uid,
      namespace: pod.metadata.namespace as string,
      name: pod.metadata.name,
      nodeName: pod.spec.nodeName,
      podIP: status.podIP,
      hostIP: status.hostIP,
      startTime: status.startTime,
      scheduled: !!pod.spec.nodeName,
      sandboxReady: !!status.podIP,
      containers: [...(pod.spec.initContainers ?? []).map((c) => mk(c, true)), ...pod.spec.containers.map((c) => mk(c, false))],
      timers: new Set(),
      slow: [...pod.spec.containers, ...(pod.spec.initContainers ?? [])].some((c) => isSlowImage(c.image)),
    };
    this.pods.set(uid, pr);
    if (pr.nodeName) {
      const n = this.nodes.get(pr.nodeName);
      if (n) n.pods++;
    }
    if (status.phase === 'Succeeded' || status.phase === 'Failed') return;
    if (!pr.scheduled) {
      this.after(pr, 0.2, () => this.schedule(pr));
      return;
    }
    if (!pr.sandboxReady) {
      this.after(pr, 0.3, () => this.createSandbox(pr));
      return;
    }
    // Resume whatever each container was doing.
    for (const c of pr.containers) this.resume(pr, c);
  }

  private resume(pr: PodRuntime, c: CRuntime): void {
    if (c.specImage !== c.image && c.state === 'running') {
      this.startInPlace(pr, c);
      return;
    }
    if (c.init && !c.sidecar) {
      if (c.state !== 'terminated' || c.exitCode !== 0) this.after(pr, 1, () => this.startContainer(pr, c, c.gen));
      return;
    }
    if (c.state === 'running' && !c.ready) this.after(pr, 0.5, () => this.markReady(pr, c, c.gen));
    else if (c.state !== 'running') this.after(pr, 1, () => this.startContainer(pr, c, c.gen));
  }

  // ---- timers -------------------------------------------------------------------------------

  private delay(pr: PodRuntime, factor: number): number {
    const base = this.opts.baseDelayMs * factor * (pr.slow ? 10 : 1);
    const j = this.opts.jitter;
    return Math.max(0, base * (1 - j + Math.random() * 2 * j));
  }

  private after(pr: PodRuntime, factor: number, fn: () => void): void {
    const t = setTimeout(
      () => {
        pr.timers.delete(t);
        if (this.stopped || this.pods.get(pr.uid) !== pr) return;
        try {
          fn();
        } catch (e) {
          if (e instanceof ApiError && e.code === 404) {
            this.pods.delete(pr.uid);
            return;
          }
          console.error('[sim] kubelet step failed:', e);
        }
      },
      this.delay(pr, factor),
    );
    t.unref?.();
    pr.timers.add(t);
  }

  private backoff(c: CRuntime): number {
    return Math.min(this.opts.backoffCapFactor, 2 * 2 ** Math.min(c.attempts, 10));
  }

  // ---- steps --------------------------------------------------------------------------------

  private schedule(pr: PodRuntime): void {
    const store = this.store as Store;
    const cur = store.get('pods', pr.namespace, pr.name) as unknown as Pod | undefined;
    if (!cur) return;
    if (cur.spec.nodeName) {
      pr.nodeName = cur.spec.nodeName;
    } else {
      let best: string | undefined;
      let bestCount = Number.POSITIVE_INFINITY;
      for (const [name, n] of this.nodes) {
        if (n.pods < bestCount) {
          best = name;
          bestCount = n.pods;
        }
      }
      if (!best) {
        this.writeStatus(pr, (st) => {
          setCondition(st, {
            type: 'PodScheduled',
            status: 'False',
            reason: 'Unschedulable',
            message: '0/0 nodes are available: no nodes available to schedule pods.',
          });
        });
        this.after(pr, 5, () => this.schedule(pr));
        return;
      }
      pr.nodeName = best;
      store.mutate(
        'pods',
        pr.namespace,
        pr.name,
        (o) => {
          (o.spec as Pod['spec']).nodeName = best;
        },
        { user: { name: 'system:kube-scheduler', groups: [] } },
      );
    }
    const n = this.nodes.get(pr.nodeName as string);
    if (n) n.pods++;
    pr.scheduled = true;
    this.writeStatus(pr, (st) => {
      setCondition(st, { type: 'PodScheduled', status: 'True' });
    });
    this.after(pr, 0.3, () => this.createSandbox(pr));
  }

  private nextIp(): string {
    const c = this.ipCounter++;
    return `10.244.${(c >> 8) & 255}.${c & 255 || 1}`;
  }

  private createSandbox(pr: PodRuntime): void {
    pr.hostIP = this.nodes.get(pr.nodeName ?? '')?.ip ?? '172.18.0.2';
    pr.podIP = this.nextIp();
    pr.startTime = now();
    pr.sandboxReady = true;
    for (const c of pr.containers) {
      c.state = 'waiting';
      c.reason = c.init && !c.sidecar ? 'PodInitializing' : 'ContainerCreating';
      if (c.init) c.reason = 'PodInitializing';
    }
    this.flush(pr);
    const firstInit = pr.containers.find((c) => c.init);
    if (firstInit) this.after(pr, 1, () => this.startContainer(pr, firstInit, firstInit.gen));
    else for (const c of pr.containers) this.after(pr, 1, () => this.startContainer(pr, c, c.gen));
  }

  /** Pull + start one container by the image rules. */
  private startContainer(pr: PodRuntime, c: CRuntime, gen: number): void {
    if (c.gen !== gen) return;
    const image = c.specImage;
    const behaviour: ImageBehaviour = imageBehaviour(image);
    c.image = image;
    if (behaviour === 'invalid') {
      c.state = 'waiting';
      c.reason = 'InvalidImageName';
      c.message = `Failed to apply default image tag "${image}": couldn't parse image name "${image}": invalid reference format`;
      c.imageID = '';
      c.ready = false;
      c.started = false;
      this.flush(pr);
      return;
    }
    if (behaviour === 'pull-not-found' || behaviour === 'pull-no-host') {
      c.state = 'waiting';
      c.imageID = '';
      c.ready = false;
      c.started = false;
      c.reason = c.attempts % 2 === 0 ? 'ErrImagePull' : 'ImagePullBackOff';
      c.message = c.reason === 'ErrImagePull' ? pullFailureMessage(image, behaviour) : `Back-off pulling image "${image}"`;
      c.attempts++;
      this.flush(pr);
      if (c.reason === 'ErrImagePull') {
        this.recordEvent(pr, c, 'Warning', 'Failed', c.message);
        this.recordEvent(pr, c, 'Warning', 'Failed', 'Error: ErrImagePull');
      } else {
        this.recordEvent(pr, c, 'Normal', 'BackOff', c.message);
        this.recordEvent(pr, c, 'Warning', 'Failed', 'Error: ImagePullBackOff');
      }
      this.after(pr, c.reason === 'ErrImagePull' ? 1 : this.backoff(c), () => this.startContainer(pr, c, gen));
      return;
    }
    c.imageID = imageIdFor(image);
    c.containerID = containerId();
    c.state = 'running';
    c.reason = undefined;
    c.message = undefined;
    c.exitCode = undefined;
    c.startedAt = now();
    c.started = true;
    c.ready = false;
    this.flush(pr);
    if (c.init && !c.sidecar) {
      // A plain init container runs to completion, then the next one (or the app containers) start.
      this.after(pr, 0.5, () => this.completeInit(pr, c, gen));
      return;
    }
    if (c.init && c.sidecar) this.startNextAfterInit(pr, c);
    if (behaviour === 'crashloop') {
      this.after(pr, 1, () => this.crash(pr, c, gen));
      return;
    }
    this.after(pr, 0.5, () => this.markReady(pr, c, gen));
  }

  private completeInit(pr: PodRuntime, c: CRuntime, gen: number): void {
    if (c.gen !== gen) return;
    c.state = 'terminated';
    c.reason = 'Completed';
    c.exitCode = 0;
    c.started = false;
    c.ready = false;
    this.flush(pr);
    this.startNextAfterInit(pr, c);
  }

  private startNextAfterInit(pr: PodRuntime, c: CRuntime): void {
    const idx = pr.containers.indexOf(c);
    const next = pr.containers[idx + 1];
    if (!next) return;
    if (next.init) this.after(pr, 0.5, () => this.startContainer(pr, next, next.gen));
    else for (const app of pr.containers.filter((x) => !x.init)) this.after(pr, 1, () => this.startContainer(pr, app, app.gen));
  }

  private markReady(pr: PodRuntime, c: CRuntime, gen: number): void {
    if (c.gen !== gen || c.state !== 'running') return;
    c.ready = true;
    c.attempts = 0;
    this.flush(pr);
  }

  private crash(pr: PodRuntime, c: CRuntime, gen: number): void {
    if (c.gen !== gen) return;
    const finishedAt = now();
    c.lastTerminated = { exitCode: 1, reason: 'Error', startedAt: c.startedAt ?? finishedAt, finishedAt, containerID: c.containerID };
    c.restartCount++;
    c.state = 'waiting';
    c.reason = 'CrashLoopBackOff';
    c.message = `back-off ${Math.round((this.backoff(c) * this.opts.baseDelayMs) / 1000)}s restarting failed container=${c.name} pod=${pr.name}_${pr.namespace}(${pr.uid})`;
    c.ready = false;
    c.started = false;
    c.attempts++;
    this.flush(pr);
    this.recordEvent(
      pr,
      c,
      'Warning',
      'BackOff',
      `Back-off restarting failed container ${c.name} in pod ${pr.name}_${pr.namespace}(${pr.uid})`,
    );
    this.after(pr, this.backoff(c), () => this.startContainer(pr, c, gen));
  }

  // ---- in-place updates ---------------------------------------------------------------------

  private onSpecChange(pr: PodRuntime, pod: Pod): void {
    if (pod.spec.nodeName && !pr.nodeName) pr.nodeName = pod.spec.nodeName;
    const specs = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
    for (const s of specs) {
      const c = pr.containers.find((x) => x.name === s.name && x.init === (pod.spec.initContainers ?? []).includes(s));
      if (!c || s.image === undefined || s.image === c.specImage) continue;
      c.specImage = s.image;
      if (isSlowImage(s.image)) pr.slow = true;
      if (!pr.sandboxReady || (c.init && !c.sidecar)) continue;
      this.startInPlace(pr, c);
    }
  }

  /**
   * The spec image of a container changed. Phase 1: nothing visible (old image and imageID, still
   * ready: the "inconsistent" window). Phase 2: the old container is killed (not ready, restart
   * counted). Phase 3: the new image is pulled and started (or fails by the rules).
   */
  private startInPlace(pr: PodRuntime, c: CRuntime): void {
    const gen = ++c.gen;
    c.attempts = 0;
    if (c.state !== 'running') {
      // Not running (waiting to pull, crash-looping): just try the new image.
      this.after(pr, 0.5, () => this.startContainer(pr, c, gen));
      return;
    }
    this.after(pr, this.opts.inconsistentFactor, () => {
      if (c.gen !== gen) return;
      const finishedAt = now();
      c.lastTerminated = { exitCode: 0, reason: 'Completed', startedAt: c.startedAt ?? finishedAt, finishedAt, containerID: c.containerID };
      c.restartCount++;
      c.ready = false;
      c.started = false;
      c.state = 'waiting';
      c.reason = 'ContainerCreating';
      c.message = undefined;
      this.flush(pr);
      this.recordEvent(pr, c, 'Normal', 'Killing', `Container ${c.name} definition changed, will be restarted`);
      this.after(pr, 1, () => this.startContainer(pr, c, gen));
    });
  }

  // ---- events -------------------------------------------------------------------------------

  private events = new Map<string, { name: string; count: number; last: number }>();

  /**
   * Records a core/v1 Event on the pod, as the kubelet does for failures and restarts. Repeats of
   * the same reason and message are aggregated (count, lastTimestamp), written at most every 5 s.
   */
  private recordEvent(pr: PodRuntime, c: CRuntime, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const store = this.store as Store;
    const key = `${pr.uid}|${c.name}|${reason}|${message}`;
    const ts = now();
    const prev = this.events.get(key);
    try {
      if (prev) {
        prev.count++;
        if (Date.now() - prev.last < 5000) return;
        prev.last = Date.now();
        const count = prev.count;
        store.mutate(
          'events',
          pr.namespace,
          prev.name,
          (e) => {
            e.count = count;
            e.lastTimestamp = ts;
          },
          { user: KUBELET_USER },
        );
        return;
      }
      const e = store.create(
        'events',
        {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name: '', generateName: `${pr.name}.`, namespace: pr.namespace },
          involvedObject: {
            apiVersion: 'v1',
            kind: 'Pod',
            name: pr.name,
            namespace: pr.namespace,
            uid: pr.uid,
            fieldPath: `spec.${c.init ? 'initContainers' : 'containers'}{${c.name}}`,
          },
          reason,
          message,
          type,
          source: { component: 'kubelet', host: pr.nodeName },
          firstTimestamp: ts,
          lastTimestamp: ts,
          count: 1,
          reportingComponent: 'kubelet',
          reportingInstance: pr.nodeName ?? '',
        },
        { user: KUBELET_USER },
      );
      this.events.set(key, { name: e.metadata.name, count: 1, last: Date.now() });
    } catch (err) {
      // Events are best effort (the namespace may be going away).
      if (!(err instanceof ApiError)) throw err;
      this.events.delete(key);
    }
  }

  // ---- status -------------------------------------------------------------------------------

  private writeStatus(pr: PodRuntime, fn: (status: NonNullable<Pod['status']>) => void): void {
    const store = this.store as Store;
    store.mutate(
      'pods',
      pr.namespace,
      pr.name,
      (o) => {
        const st = ((o.status as Pod['status']) ?? {}) as NonNullable<Pod['status']>;
        fn(st);
        o.status = st;
      },
      { subresource: 'status', user: KUBELET_USER },
    );
  }

  /** Writes the status the runtime state implies. */
  private flush(pr: PodRuntime): void {
    this.writeStatus(pr, (st) => renderStatus(pr, st));
  }

  /**
   * The status of a pod that is already up: used by fleet seeding to create pods Running without
   * going through the kubelet's delays.
   */
  instantStatus(pod: Pod, nodeNameHint?: string): NonNullable<Pod['status']> {
    let node = nodeNameHint ?? pod.spec.nodeName;
    if (!node) {
      let bestCount = Number.POSITIVE_INFINITY;
      for (const [name, n] of this.nodes) {
        if (n.pods < bestCount) {
          node = name;
          bestCount = n.pods;
        }
      }
    }
    pod.spec.nodeName = node;
    const ts = now();
    const pr: PodRuntime = {
      uid: pod.metadata.uid ?? '',
      namespace: pod.metadata.namespace ?? 'default',
      name: pod.metadata.name,
      nodeName: node,
      hostIP: this.nodes.get(node ?? '')?.ip ?? '172.18.0.2',
      podIP: this.nextIp(),
      startTime: ts,
      scheduled: true,
      sandboxReady: true,
      timers: new Set(),
      slow: false,
      containers: [
        ...(pod.spec.initContainers ?? []).map((c) => ({ c, init: true })),
        ...pod.spec.containers.map((c) => ({ c, init: false })),
      ].map(({ c, init }) => {
        const sidecar = init && isNativeSidecar(c);
        const done = init && !sidecar;
        return {
          name: c.name,
          init,
          sidecar,
          specImage: c.image ?? '',
          image: c.image ?? '',
          imageID: imageIdFor(c.image ?? ''),
          state: (done ? 'terminated' : 'running') as CState,
          reason: done ? 'Completed' : undefined,
          exitCode: done ? 0 : undefined,
          ready: !done,
          started: !done,
          restartCount: 0,
          startedAt: ts,
          attempts: 0,
          gen: 0,
          containerID: containerId(),
        };
      }),
    };
    const st: NonNullable<Pod['status']> = { phase: 'Pending' };
    setCondition(st, { type: 'PodScheduled', status: 'True' });
    renderStatus(pr, st);
    return st;
  }
}

function setCondition(st: NonNullable<Pod['status']>, c: PodCondition): void {
  const list = st.conditions ?? [];
  const i = list.findIndex((x) => x.type === c.type);
  const ts = now();
  if (i >= 0) {
    const old = list[i] as PodCondition;
    const changed = old.status !== c.status;
    list[i] = { ...old, ...c, lastProbeTime: null, lastTransitionTime: changed ? ts : old.lastTransitionTime };
    if (!c.reason) delete list[i]?.reason;
    if (!c.message) delete list[i]?.message;
  } else {
    list.push({ ...c, lastProbeTime: null, lastTransitionTime: ts });
  }
  st.conditions = list;
}

const CONDITION_ORDER = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'];

function containerStatus(c: CRuntime): ContainerStatus {
  const state: NonNullable<ContainerStatus['state']> = {};
  if (c.state === 'running') state.running = { startedAt: c.startedAt };
  else if (c.state === 'terminated') {
    state.terminated = { exitCode: c.exitCode ?? 0, reason: c.reason, startedAt: c.startedAt, finishedAt: c.startedAt };
    if (c.containerID) (state.terminated as Record<string, unknown>).containerID = c.containerID;
  } else state.waiting = c.message ? { reason: c.reason, message: c.message } : { reason: c.reason };
  const s: ContainerStatus = {
    name: c.name,
    state,
    lastState: c.lastTerminated ? { terminated: c.lastTerminated as never } : {},
    ready: c.ready,
    restartCount: c.restartCount,
    image: c.image,
    imageID: c.imageID,
    started: c.started,
  };
  if (c.containerID && c.state !== 'waiting') s.containerID = c.containerID;
  return s;
}

function renderStatus(pr: PodRuntime, st: NonNullable<Pod['status']>): void {
  const apps = pr.containers.filter((c) => !c.init);
  const inits = pr.containers.filter((c) => c.init);
  const initsDone = inits.every((c) => (c.sidecar ? c.started : c.state === 'terminated' && c.exitCode === 0));
  const allReady = apps.every((c) => c.ready) && inits.filter((c) => c.sidecar).every((c) => c.ready);
  const anyCreated = apps.some((c) => c.state === 'running' || c.restartCount > 0 || c.reason === 'CrashLoopBackOff');
  st.phase = pr.sandboxReady && initsDone && anyCreated ? 'Running' : 'Pending';
  if (pr.hostIP) {
    st.hostIP = pr.hostIP;
    (st as Record<string, unknown>).hostIPs = [{ ip: pr.hostIP }];
  }
  if (pr.podIP) {
    st.podIP = pr.podIP;
    (st as Record<string, unknown>).podIPs = [{ ip: pr.podIP }];
  }
  if (pr.startTime) st.startTime = pr.startTime;
  if (pr.sandboxReady) {
    setCondition(st, { type: 'PodReadyToStartContainers', status: 'True' });
    setCondition(
      st,
      initsDone
        ? { type: 'Initialized', status: 'True' }
        : {
            type: 'Initialized',
            status: 'False',
            reason: 'ContainersNotInitialized',
            message: `containers with incomplete status: [${inits
              .filter((c) => c.state !== 'terminated')
              .map((c) => c.name)
              .join(' ')}]`,
          },
    );
    const unready = [...inits.filter((c) => c.sidecar), ...apps].filter((c) => !c.ready).map((c) => c.name);
    const notReadyMsg = `containers with unready status: [${unready.join(' ')}]`;
    setCondition(
      st,
      allReady ? { type: 'Ready', status: 'True' } : { type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: notReadyMsg },
    );
    setCondition(
      st,
      allReady
        ? { type: 'ContainersReady', status: 'True' }
        : { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady', message: notReadyMsg },
    );
    setCondition(st, { type: 'PodScheduled', status: 'True' });
  }
  st.conditions = (st.conditions ?? []).sort((a, b) => {
    const ia = CONDITION_ORDER.indexOf(a.type);
    const ib = CONDITION_ORDER.indexOf(b.type);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
  });
  // The kubelet reports statuses sorted by container name.
  if (pr.sandboxReady) {
    st.containerStatuses = apps.map(containerStatus).sort((a, b) => a.name.localeCompare(b.name));
    if (inits.length) st.initContainerStatuses = inits.map(containerStatus);
    else delete st.initContainerStatuses;
  }
}
