/**
 * The SidecarSet controller (pkg/controller/sidecarset): event-driven off the store with Kruise's
 * reconcile triggers (sidecarset_pod_event_handler.go), a deduplicated work queue per SidecarSet,
 * status from the shared planner,
 * ControllerRevisions, in-place image upgrades, hot upgrade and reset, the SidecarSetUpgradable
 * pod condition and Events. Pods are indexed by the SidecarSets in their injected list, so a
 * reconcile only reads its own pods.
 */
import {
  hasSidecarContainers,
  idleHotUpgradeContainer,
  injectedList,
  isConsistent,
  isHotUpgrade,
  parseInplaceUpdateState,
  parseSidecarSetHashAnnotation,
  podControllerRevision,
  podNamespace,
  workingHotUpgradeContainers,
} from '@/lib/fleet/kruise-pod';
import type { Pod, SidecarSet } from '@/lib/fleet/k8s-types';
import { KRUISE } from '@/lib/fleet/k8s-types';
import { isNativeSidecar } from '@/lib/fleet/containers';
import { goMarshal } from '@/lib/fleet/go-json';
import { canonicalJson } from '@/lib/fleet/json';
import { KRUISE_GO_TYPES } from '@/lib/fleet/kruise-go-types';
import { isPodReady } from '@/lib/fleet/pod-readiness';
import { planRollout } from '@/lib/fleet/rollout-planner';
import { ApiError, type KObject, type SimController, type Store, type StoreEvent, type UserInfo } from '../types';
import { applyPatchPodMetadata, rfc3339, sortKeys } from './injection';
import { syncRevisions } from './revisions';
import { SIDECARSETS } from './sidecarset-webhook';

export const KRUISE_MANAGER: UserInfo = {
  name: 'system:serviceaccount:kruise-system:kruise-manager',
  groups: ['system:serviceaccounts', 'system:serviceaccounts:kruise-system', 'system:authenticated'],
};

export const EVENT_COMPONENT = 'sidecarset-controller';

export interface ControllerOptions {
  /** Delay of the reconcile enqueued when a pod's consistent() flips (Kruise: 5 s). */
  consistentDelayMs?: number;
  /** Requeue after a round that patched pods, and after an error (Kruise: 1 s). */
  requeueDelayMs?: number;
  /** Coalescing delay before the queue is worked, so bursts of events make one reconcile. */
  batchDelayMs?: number;
  kruiseNamespace?: string;
  now?: () => Date;
  /** Called with reconcile errors (default: console.error). */
  onError?: (err: unknown, sidecarSet: string) => void;
}

type Timer = ReturnType<typeof setTimeout>;

function podKey(ns: string, name: string): string {
  return `${ns}/${name}`;
}

function splitKey(key: string): [string, string] {
  const i = key.indexOf('/');
  return [key.slice(0, i), key.slice(i + 1)];
}

export class SidecarSetController implements SimController {
  readonly name = 'kruise-sidecarset-controller';
  private store!: Store;
  private unsubscribe?: () => void;
  private readonly opts: Required<Omit<ControllerOptions, 'onError' | 'now'>> & Pick<ControllerOptions, 'onError' | 'now'>;
  /** SidecarSet name → keys of pods whose injected list names it. */
  private readonly index = new Map<string, Set<string>>();
  /** Pod key → SidecarSets in its injected list (to keep the index right on updates). */
  private readonly podSets = new Map<string, readonly string[]>();
  private readonly queue = new Set<string>();
  private processing = false;
  private workTimer: Timer | undefined;
  private readonly delayed = new Map<string, { timer: Timer; due: number; latest: number }>();
  private stopped = false;
  private eventSeq = 0;
  /** Resolves waiters of `idle()`. */
  private idleWaiters: Array<() => void> = [];

  constructor(opts: ControllerOptions = {}) {
    this.opts = {
      consistentDelayMs: opts.consistentDelayMs ?? 5000,
      requeueDelayMs: opts.requeueDelayMs ?? 1000,
      batchDelayMs: opts.batchDelayMs ?? 10,
      kruiseNamespace: opts.kruiseNamespace ?? KRUISE.kruiseNamespace,
      onError: opts.onError,
      now: opts.now,
    };
  }

  private now(): Date {
    return this.opts.now ? this.opts.now() : new Date();
  }

  start(store: Store): void {
    this.store = store;
    this.stopped = false;
    for (const p of store.list('pods')) this.indexPod(p as unknown as Pod);
    this.unsubscribe = store.subscribe((ev) => this.onEvent(ev));
    for (const ss of store.list(SIDECARSETS)) this.enqueue(ss.metadata.name);
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    if (this.workTimer) clearTimeout(this.workTimer);
    for (const d of this.delayed.values()) clearTimeout(d.timer);
    this.delayed.clear();
    this.queue.clear();
    for (const w of this.idleWaiters.splice(0)) w();
  }

  /** Resolves when the queue is empty and nothing is being reconciled (delayed requeues aside). */
  idle(): Promise<void> {
    if (!this.processing && this.queue.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  // ---- index ---------------------------------------------------------------------------------

  private indexPod(pod: Pod | undefined, removeKey?: string): void {
    if (removeKey) {
      for (const s of this.podSets.get(removeKey) ?? []) this.index.get(s)?.delete(removeKey);
      this.podSets.delete(removeKey);
    }
    if (!pod) return;
    const key = podKey(podNamespace(pod), pod.metadata.name);
    const sets = injectedList(pod);
    const before = this.podSets.get(key) ?? [];
    for (const s of before) if (!sets.includes(s)) this.index.get(s)?.delete(key);
    for (const s of sets) {
      let set = this.index.get(s);
      if (!set) {
        set = new Set();
        this.index.set(s, set);
      }
      set.add(key);
    }
    if (sets.length > 0) this.podSets.set(key, sets);
    else this.podSets.delete(key);
  }

  private podsOf(ssName: string): Pod[] {
    const out: Pod[] = [];
    for (const key of this.index.get(ssName) ?? []) {
      const [ns, name] = splitKey(key);
      const p = this.store.get('pods', ns, name);
      if (p) out.push(p as unknown as Pod);
    }
    return out;
  }

  // ---- triggers (sidecarset_pod_event_handler.go) ----------------------------------------

  private onEvent(ev: StoreEvent): void {
    if (this.stopped) return;
    if (ev.resource === SIDECARSETS) {
      if (ev.type === 'ADDED') this.enqueue(ev.object.metadata.name);
      else if (ev.type === 'MODIFIED' && ev.old?.metadata.generation !== ev.object.metadata.generation) {
        this.enqueue(ev.object.metadata.name);
      }
      return;
    }
    if (ev.resource !== 'pods') return;
    const pod = ev.object as unknown as Pod;
    const key = podKey(podNamespace(pod), pod.metadata.name);
    if (ev.type === 'DELETED') {
      this.indexPod(undefined, key);
      return;
    }
    this.indexPod(pod);
    if (ev.type === 'ADDED') {
      for (const s of injectedList(pod)) this.enqueue(s);
      return;
    }
    const old = ev.old as unknown as Pod | undefined;
    if (!old) return;
    for (const s of injectedList(pod)) {
      const ss = this.store.get(SIDECARSETS, undefined, s) as unknown as SidecarSet | undefined;
      if (!ss || ss.spec.updateStrategy?.type === 'NotUpdate' || !hasSidecarContainers(pod, ss)) continue;
      if (!old.metadata.deletionTimestamp && pod.metadata.deletionTimestamp) this.enqueue(s);
      else if (isPodReady(old) !== isPodReady(pod)) this.enqueue(s);
      else if (ss.spec.updateStrategy?.selector && canonicalJson(old.metadata.labels ?? {}) !== canonicalJson(pod.metadata.labels ?? {})) {
        this.enqueue(s);
      }
      if (isConsistent(old, ss) !== isConsistent(pod, ss)) this.enqueueAfter(s, this.opts.consistentDelayMs);
    }
  }

  enqueue(name: string): void {
    if (this.stopped) return;
    this.queue.add(name);
    if (!this.workTimer && !this.processing) {
      this.workTimer = setTimeout(() => {
        this.workTimer = undefined;
        this.work();
      }, this.opts.batchDelayMs);
    }
  }

  private enqueueAfter(name: string, ms: number): void {
    if (ms <= 0) {
      this.enqueue(name);
      return;
    }
    const due = Date.now() + ms;
    const cur = this.delayed.get(name);
    if (cur && cur.due <= due) {
      cur.latest = Math.max(cur.latest, due);
      return;
    }
    if (cur) clearTimeout(cur.timer);
    const fire = () => {
      const d = this.delayed.get(name);
      this.delayed.delete(name);
      this.enqueue(name);
      if (d && d.latest > d.due) this.enqueueAfter(name, d.latest - Date.now());
    };
    this.delayed.set(name, { timer: setTimeout(fire, ms), due, latest: due });
  }

  /** One SidecarSet per macrotask, so a long queue never blocks the API server's event loop. */
  private work(): void {
    if (this.stopped) return;
    const name = this.queue.values().next().value as string | undefined;
    if (name !== undefined) {
      this.queue.delete(name);
      this.processing = true;
      try {
        this.reconcile(name);
      } catch (e) {
        (this.opts.onError ?? ((err, n) => console.error(`sidecarset controller: reconcile ${n} failed:`, err)))(e, name);
        this.enqueueAfter(name, this.opts.requeueDelayMs);
      } finally {
        this.processing = false;
      }
    }
    if (this.queue.size > 0 && !this.stopped) {
      this.workTimer = setTimeout(() => {
        this.workTimer = undefined;
        this.work();
      }, 0);
    } else {
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  // ---- reconcile (sidecarset_processor.go UpdateSidecarSet) ------------------------------

  private namespaceLabels(): Record<string, Record<string, string>> {
    const out: Record<string, Record<string, string>> = {};
    for (const ns of this.store.list('namespaces')) out[ns.metadata.name] = ns.metadata.labels ?? {};
    return out;
  }

  private ensureKruiseNamespace(): void {
    const ns = this.opts.kruiseNamespace;
    if (this.store.get('namespaces', undefined, ns)) return;
    try {
      this.store.create(
        'namespaces',
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'control-plane': 'controller-manager' } } },
        { user: KRUISE_MANAGER },
      );
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 409)) throw e;
    }
  }

  reconcile(name: string): void {
    const ss = this.store.get(SIDECARSETS, undefined, name) as unknown as SidecarSet | undefined;
    if (!ss) return;
    const plan = planRollout({ sidecarSet: ss, pods: this.podsOf(name), namespaceLabels: this.namespaceLabels() });

    // 1. Revisions and status, before touching any pod.
    this.ensureKruiseNamespace();
    const podRevisions = new Set<string>();
    for (const p of plan.matched) {
      const r = podControllerRevision(p, name);
      if (r) podRevisions.add(r);
    }
    const { latest, collisionCount } = syncRevisions(this.store, ss, podRevisions, {
      namespace: this.opts.kruiseNamespace,
      write: { user: KRUISE_MANAGER },
    });
    // As Go writes SidecarSetStatus: updatedReadyPods (omitempty) is left out when 0.
    const status = JSON.parse(
      goMarshal(
        {
          observedGeneration: ss.metadata.generation ?? 0,
          matchedPods: plan.status.matchedPods,
          updatedPods: plan.status.updatedPods,
          readyPods: plan.status.readyPods,
          updatedReadyPods: plan.status.updatedReadyPods,
          latestRevision: latest.metadata.name,
          collisionCount,
        },
        'v1beta1.SidecarSetStatus',
        KRUISE_GO_TYPES,
      ),
    ) as SidecarSet['status'];
    if (canonicalJson(ss.status ?? {}) !== canonicalJson(status)) {
      this.store.mutate(
        SIDECARSETS,
        undefined,
        name,
        (o) => {
          o.status = status;
        },
        { subresource: 'status', user: KRUISE_MANAGER },
      );
    }

    // 3–4. NotUpdate and paused stop here.
    const us = ss.spec.updateStrategy ?? {};
    if (us.type === 'NotUpdate' || us.paused) return;

    // 5. Hot-upgrade reset ends the round.
    if (plan.hotUpgradeReset.length > 0) {
      for (const p of plan.hotUpgradeReset) this.resetHotUpgrade(p, ss);
      return;
    }

    // 6. Done.
    if (plan.status.updatedPods >= plan.status.matchedPods) return;

    // 7. Not upgradable pods.
    if (plan.notUpgradable.length > 0) {
      for (const p of plan.notUpgradable) this.setUpgradable(p, name, false);
      this.recordEvent(
        {
          apiVersion: 'apps.kruise.io/v1beta1',
          kind: 'SidecarSet',
          name,
          uid: ss.metadata.uid,
          resourceVersion: ss.metadata.resourceVersion,
        },
        'Normal',
        'NotUpgradablePods',
        `SidecarSet in-place update detected ${plan.notUpgradable.length} not upgradable pod(s) in this round, will skip them.`,
      );
    }

    // 8. Upgrade the selected pods.
    for (const p of plan.nextRound) this.upgradePod(p, ss, latest.metadata.name);
    if (plan.nextRound.length > 0) this.enqueueAfter(name, this.opts.requeueDelayMs);
  }

  private upgradePod(pod: Pod, ss: SidecarSet, latestRevision: string): void {
    const name = ss.metadata.name;
    const now = rfc3339(this.now());
    const ssHash = ss.metadata.annotations?.[KRUISE.sidecarSetHash] ?? '';
    try {
      this.store.mutate(
        'pods',
        podNamespace(pod),
        pod.metadata.name,
        (o) => {
          const p = o as unknown as Pod;
          const ann = { ...(p.metadata.annotations ?? {}) };
          const statusOf = (n: string) => p.status?.containerStatuses?.find((s) => s.name === n);
          const changed: Record<string, { imageID: string }> = {};
          const working: Record<string, string> = { ...workingHotUpgradeContainers(p) };
          for (const c of ss.spec.containers ?? []) {
            if (!isHotUpgrade(c)) {
              const pc = p.spec.containers.find((x) => x.name === c.name);
              if (pc && pc.image !== c.image) {
                changed[c.name] = { imageID: statusOf(c.name)?.imageID ?? '' };
                pc.image = c.image;
              }
              continue;
            }
            const [t1, t2] = [`${c.name}-1`, `${c.name}-2`];
            const cur = working[c.name] ?? t1;
            const curC = p.spec.containers.find((x) => x.name === cur);
            if (!curC || curC.image === c.image) continue;
            const empty = c.upgradeStrategy?.hotUpgradeEmptyImage ?? '';
            const idle = cur === t1 ? t2 : t1;
            const okTwin = (n: string) => statusOf(n)?.ready === true && isConsistent(p, ss, [n]);
            const imageOf = (n: string) => p.spec.containers.find((x) => x.name === n)?.image;
            let chosen: string;
            if (imageOf(idle) === empty) chosen = idle;
            else if (imageOf(cur) === empty) chosen = cur;
            else if (!okTwin(cur) && okTwin(idle)) chosen = cur;
            else if (!okTwin(idle) && okTwin(cur)) chosen = idle;
            else chosen = idle;
            const other = chosen === t1 ? t2 : t1;
            const target = p.spec.containers.find((x) => x.name === chosen);
            if (!target) continue;
            changed[chosen] = { imageID: statusOf(chosen)?.imageID ?? '' };
            target.image = c.image;
            working[c.name] = chosen;
            const rv = ss.metadata.resourceVersion ?? '';
            ann[`${KRUISE.versionAltPrefix}${chosen}`] = ann[`${KRUISE.versionPrefix}${other}`] ?? '0';
            ann[`${KRUISE.versionPrefix}${chosen}`] = rv;
            ann[`${KRUISE.versionAltPrefix}${other}`] = rv;
          }
          if (Object.keys(working).length > 0) ann[KRUISE.workingHotUpgradeContainer] = JSON.stringify(sortKeys(working));

          const hashes: Record<string, unknown> = { ...parseSidecarSetHashAnnotation(ann[KRUISE.sidecarSetHash]) };
          hashes[name] = {
            updateTimestamp: now,
            hash: ssHash,
            sidecarSetName: name,
            sidecarList: [
              ...(ss.spec.containers ?? []).map((c) => c.name),
              ...(ss.spec.initContainers ?? []).filter(isNativeSidecar).map((c) => c.name),
            ],
            ...(latestRevision ? { controllerRevision: latestRevision } : {}),
          };
          ann[KRUISE.sidecarSetHash] = JSON.stringify(sortKeys(hashes));
          if (Object.keys(changed).length > 0) this.mergeInplaceState(ann, p, name, ssHash, now, changed);
          const listed = injectedList(p);
          if (!listed.includes(name)) ann[KRUISE.injectedList] = [...listed, name].sort().join(',');
          applyPatchPodMetadata(ann, ss.spec.patchPodMetadata);
          p.metadata.annotations = ann;
        },
        { user: KRUISE_MANAGER },
      );
    } catch (e) {
      if (e instanceof ApiError && e.code === 404) return;
      throw e;
    }
    this.setUpgradable(pod, name, true);
  }

  private mergeInplaceState(
    ann: Record<string, string>,
    p: Pod,
    ssName: string,
    ssHash: string,
    now: string,
    changed: Record<string, { imageID: string }>,
  ): void {
    const all: Record<string, unknown> = { ...parseInplaceUpdateState(p) };
    const cur = all[ssName] as
      | { revision?: string; updateTimestamp?: string; lastContainerStatuses: Record<string, { imageID?: string }> }
      | undefined;
    // (quirk) revision and updateTimestamp are set the first time only; the statuses are merged.
    const merged = { ...(cur?.lastContainerStatuses ?? {}), ...changed };
    // InPlaceUpdateContainerStatus has `imageID,omitempty` (apis/apps/pub/inplace_update.go): a
    // container that had no image yet (a failed pull) is recorded as {}.
    const statuses = Object.fromEntries(Object.entries(merged).map(([c, { imageID }]) => [c, imageID ? { imageID } : {}]));
    all[ssName] = {
      revision: cur?.revision ?? ssHash,
      updateTimestamp: cur?.updateTimestamp ?? now,
      lastContainerStatuses: sortKeys(statuses),
    };
    ann[KRUISE.inplaceUpdateState] = JSON.stringify(sortKeys(all));
  }

  private resetHotUpgrade(pod: Pod, ss: SidecarSet): void {
    const reset: string[] = [];
    const ssHash = ss.metadata.annotations?.[KRUISE.sidecarSetHash] ?? '';
    try {
      this.store.mutate(
        'pods',
        podNamespace(pod),
        pod.metadata.name,
        (o) => {
          const p = o as unknown as Pod;
          reset.length = 0;
          const ann = { ...(p.metadata.annotations ?? {}) };
          const changed: Record<string, { imageID: string }> = {};
          for (const c of ss.spec.containers ?? []) {
            if (!isHotUpgrade(c)) continue;
            const empty = c.upgradeStrategy?.hotUpgradeEmptyImage ?? '';
            const idle = idleHotUpgradeContainer(p, c.name);
            const working = idle === `${c.name}-1` ? `${c.name}-2` : `${c.name}-1`;
            const target = p.spec.containers.find((x) => x.name === idle);
            if (!target || target.image === empty) continue;
            changed[idle] = { imageID: p.status?.containerStatuses?.find((s) => s.name === idle)?.imageID ?? '' };
            target.image = empty;
            ann[`${KRUISE.versionPrefix}${idle}`] = '0';
            ann[`${KRUISE.versionAltPrefix}${working}`] = '0';
            reset.push(idle);
          }
          if (reset.length > 0) this.mergeInplaceState(ann, p, ss.metadata.name, ssHash, rfc3339(this.now()), changed);
          p.metadata.annotations = ann;
        },
        { user: KRUISE_MANAGER },
      );
    } catch (e) {
      if (e instanceof ApiError && e.code === 404) return;
      this.recordEvent(
        this.podRef(pod),
        'Warning',
        'ResetContainerFailed',
        `reset sidecar container image empty failed: ${(e as Error).message}`,
      );
      return;
    }
    if (reset.length > 0) {
      this.recordEvent(
        this.podRef(pod),
        'Normal',
        'ResetContainerSucceed',
        `reset sidecar container image empty successfully: ${reset.join(', ')}`,
      );
    }
  }

  private podRef(pod: Pod) {
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      namespace: podNamespace(pod),
      name: pod.metadata.name,
      uid: pod.metadata.uid,
      resourceVersion: pod.metadata.resourceVersion,
    };
  }

  /** The `SidecarSetUpgradable` pod condition, via pods/status; no write when nothing changes. */
  private setUpgradable(pod: Pod, ssName: string, value: boolean): void {
    const now = rfc3339(this.now());
    try {
      this.store.mutate(
        'pods',
        podNamespace(pod),
        pod.metadata.name,
        (o) => {
          const p = o as unknown as Pod;
          p.status ??= {};
          const status = p.status;
          const conds = [...(status.conditions ?? [])];
          const i = conds.findIndex((c) => c.type === KRUISE.upgradableCondition);
          const existing = i >= 0 ? conds[i] : undefined;
          let msg: Record<string, boolean> = {};
          try {
            msg = existing?.message ? (JSON.parse(existing.message) as Record<string, boolean>) : {};
          } catch {
            msg = {};
          }
          if (existing && msg[ssName] === value) return;
          msg[ssName] = value;
          const all = Object.values(msg).every((v) => v);
          const next = {
            type: KRUISE.upgradableCondition,
            status: all ? 'True' : 'False',
            lastProbeTime: null,
            lastTransitionTime: existing && existing.status === (all ? 'True' : 'False') ? (existing.lastTransitionTime ?? now) : now,
            reason: all ? 'AllSidecarsetUpgradable' : 'UpdateImmutableField',
            message: JSON.stringify(sortKeys(msg)),
          };
          if (i >= 0) conds[i] = next;
          else conds.push(next);
          status.conditions = conds;
        },
        { subresource: 'status', user: KRUISE_MANAGER },
      );
    } catch (e) {
      if (e instanceof ApiError && e.code === 404) return;
      throw e;
    }
  }

  // ---- events ----------------------------------------------------------------------------------

  private recordEvent(
    involved: { apiVersion: string; kind: string; name: string; namespace?: string; uid?: string; resourceVersion?: string },
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
  ): void {
    // Events of cluster-scoped objects go to `default`, as client-go's recorder does.
    const ns = involved.namespace ?? 'default';
    const now = rfc3339(this.now());
    if (!this.store.get('namespaces', undefined, ns)) return;
    // Repeats are aggregated into one Event with a count, like the recorder's correlator.
    const same = this.store
      .list('events', { namespace: ns, fieldSelector: `involvedObject.name=${involved.name},reason=${reason}` })
      .find((e) => (e as Record<string, unknown>).message === message && (e.involvedObject as { kind?: string })?.kind === involved.kind);
    try {
      if (same) {
        this.store.mutate(
          'events',
          ns,
          same.metadata.name,
          (o) => {
            const e = o as Record<string, unknown>;
            e.count = ((e.count as number | undefined) ?? 1) + 1;
            e.lastTimestamp = now;
          },
          { user: KRUISE_MANAGER },
        );
        return;
      }
      const ev: KObject = {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: `${involved.name}.${(Date.now() * 1000 + (this.eventSeq++ % 1000)).toString(16)}`, namespace: ns },
        involvedObject: { ...involved },
        reason,
        message,
        type,
        source: { component: EVENT_COMPONENT },
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
        reportingComponent: EVENT_COMPONENT,
        reportingInstance: '',
      };
      this.store.create('events', ev, { user: KRUISE_MANAGER });
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      // Events are best effort.
    }
  }
}
