/**
 * The kubelet stand-in and the workload controllers, observed over the API as a client sees them:
 * image rules, the in-place update sequence, Deployments/ReplicaSets/StatefulSets/DaemonSets.
 */
import { createHash } from 'node:crypto';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploymentBody, merge, startTestCluster, strategic, type TestCluster, waitFor } from '../test-support';
import { imageBehaviour, imageIdFor, parseImage } from './images';

let t: TestCluster;
let core: k8s.CoreV1Api;
let apps: k8s.AppsV1Api;

beforeAll(async () => {
  t = await startTestCluster({ kubeletDelayMs: 15, kubelet: { jitter: 0.2 }, nodes: 3 });
  core = t.core();
  apps = t.apps();
  for (const name of ['kubelet', 'inplace', 'workloads']) await core.createNamespace({ body: { metadata: { name } } });
});

afterAll(async () => {
  await t?.stop();
});

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

async function pod(ns: string, name: string): Promise<k8s.V1Pod> {
  return core.readNamespacedPod({ name, namespace: ns });
}

function cs(p: k8s.V1Pod, name: string): k8s.V1ContainerStatus | undefined {
  return p.status?.containerStatuses?.find((c) => c.name === name);
}

function cond(p: k8s.V1Pod, type: string): string | undefined {
  return p.status?.conditions?.find((c) => c.type === type)?.status;
}

describe('image rules', () => {
  it('parses and classifies image references', () => {
    expect(parseImage('nginx:1.27')).toEqual({ repo: 'docker.io/library/nginx', host: 'docker.io', tag: '1.27', digest: undefined });
    expect(parseImage('quay.io/prometheus/node-exporter:v1.8.2')?.repo).toBe('quay.io/prometheus/node-exporter');
    expect(parseImage('istio/proxyv2:1.23.2')?.repo).toBe('docker.io/istio/proxyv2');
    expect(imageBehaviour('nginx:1.27')).toBe('ok');
    expect(imageBehaviour('nginx:1.27-broken')).toBe('pull-not-found');
    expect(imageBehaviour('invalid.example/team/app:1.0')).toBe('pull-no-host');
    expect(imageBehaviour('registry.corp.invalid/app:1.0')).toBe('pull-no-host');
    expect(imageBehaviour('ghcr.io/acme/app:2.0-crashloop')).toBe('crashloop');
    expect(imageBehaviour('Not A Valid/Image')).toBe('invalid');
    expect(imageIdFor('nginx:1.27')).toBe(`docker.io/library/nginx@sha256:${sha('nginx:1.27')}`);
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(imageIdFor(`nginx@${digest}`)).toBe(`docker.io/library/nginx@${digest}`);
  });
});

describe('kubelet', () => {
  it('schedules a pod and runs it: Pending → Running with statuses and conditions', async () => {
    const created = await core.createNamespacedPod({
      namespace: 'kubelet',
      body: { metadata: { name: 'good' }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } },
    });
    expect(created.status?.phase).toBe('Pending');
    const p = await waitFor(
      async () => {
        const x = await pod('kubelet', 'good');
        return cond(x, 'Ready') === 'True' && x;
      },
      5000,
      'pod ready',
    );
    expect(p.status?.phase).toBe('Running');
    expect(p.spec?.nodeName).toMatch(/^sim-node-\d$/);
    expect(p.status?.podIP).toMatch(/^10\.244\.\d+\.\d+$/);
    expect(p.status?.hostIP).toMatch(/^172\.18\.0\.\d+$/);
    expect(p.status?.conditions?.map((c) => [c.type, c.status])).toEqual([
      ['PodReadyToStartContainers', 'True'],
      ['Initialized', 'True'],
      ['Ready', 'True'],
      ['ContainersReady', 'True'],
      ['PodScheduled', 'True'],
    ]);
    const c = cs(p, 'app');
    expect(c).toMatchObject({
      name: 'app',
      image: 'nginx:1.27',
      imageID: `docker.io/library/nginx@sha256:${sha('nginx:1.27')}`,
      ready: true,
      started: true,
      restartCount: 0,
    });
    expect(c?.state?.running?.startedAt).toBeInstanceOf(Date);
    expect(c?.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
  });

  it('fails pulls for -broken tags and unresolvable registries: ErrImagePull, then ImagePullBackOff, never ready', async () => {
    for (const [name, image, msg] of [
      ['broken', 'nginx:1.27-broken', /not found$/],
      ['nohost', 'invalid.example/team/app:1.0', /lookup invalid\.example: no such host$/],
    ] as const) {
      await core.createNamespacedPod({
        namespace: 'kubelet',
        body: { metadata: { name }, spec: { containers: [{ name: 'app', image }] } },
      });
      const seen = new Set<string>();
      await waitFor(
        async () => {
          const c = cs(await pod('kubelet', name), 'app');
          const r = c?.state?.waiting?.reason;
          if (r) seen.add(r);
          if (r === 'ErrImagePull') expect(c?.state?.waiting?.message).toMatch(msg);
          return seen.has('ErrImagePull') && seen.has('ImagePullBackOff');
        },
        5000,
        `${name}: ErrImagePull and ImagePullBackOff`,
      );
      const p = await pod('kubelet', name);
      expect(p.status?.phase).toBe('Pending');
      expect(cond(p, 'Ready')).toBe('False');
      expect(cs(p, 'app')).toMatchObject({ ready: false, image, imageID: '', restartCount: 0 });
      const ev = await core.listNamespacedEvent({ namespace: 'kubelet', fieldSelector: `involvedObject.name=${name},type=Warning` });
      expect(ev.items.map((e) => e.message)).toContain('Error: ErrImagePull');
    }
  });

  it('crash-loops -crashloop tags with a rising restartCount', async () => {
    await core.createNamespacedPod({
      namespace: 'kubelet',
      body: { metadata: { name: 'crash' }, spec: { containers: [{ name: 'app', image: 'ghcr.io/acme/app:2.0-crashloop' }] } },
    });
    const p = await waitFor(
      async () => {
        const x = await pod('kubelet', 'crash');
        return (
          (cs(x, 'app')?.restartCount ?? 0) >= 2 && x.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff' && x
        );
      },
      8000,
      'two restarts',
    );
    const c = cs(p, 'app');
    expect(p.status?.phase).toBe('Running');
    expect(c?.ready).toBe(false);
    expect(c?.lastState?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(c?.state?.waiting?.message).toMatch(/^back-off \d+s restarting failed container=app pod=crash_kubelet/);
    const ev = await core.listNamespacedEvent({ namespace: 'kubelet', fieldSelector: 'involvedObject.name=crash,reason=BackOff' });
    expect(ev.items).toHaveLength(1);
    expect(ev.items[0]).toMatchObject({
      type: 'Warning',
      message: `Back-off restarting failed container app in pod crash_kubelet(${p.metadata?.uid})`,
      source: { component: 'kubelet' },
    });
  });
});

describe('in-place image update', () => {
  async function runningPod(name: string): Promise<k8s.V1Pod> {
    await core.createNamespacedPod({
      namespace: 'inplace',
      body: {
        metadata: { name },
        spec: {
          containers: [
            { name: 'app', image: 'nginx:1.27' },
            { name: 'sidecar', image: 'busybox:1.36' },
          ],
        },
      },
    });
    return waitFor(
      async () => {
        const x = await pod('inplace', name);
        return cond(x, 'Ready') === 'True' && x;
      },
      5000,
      'ready',
    );
  }

  /** Every status the pod goes through while `fn` runs, recorded from a watch. */
  async function record(name: string, until: (p: k8s.V1Pod) => boolean, fn: () => Promise<unknown>): Promise<k8s.V1Pod[]> {
    const seen: k8s.V1Pod[] = [];
    const rv = (await pod('inplace', name)).metadata?.resourceVersion;
    const w = new k8s.Watch(t.kc());
    const ctl = await w.watch(
      '/api/v1/namespaces/inplace/pods',
      { resourceVersion: rv, fieldSelector: `metadata.name=${name}` },
      (_type, obj) => seen.push(obj),
      () => {},
    );
    await fn();
    await waitFor(() => seen.some(until), 8000, 'the final state');
    ctl.abort();
    return seen;
  }

  it('restarts only the changed container: old image (inconsistent), then not ready, then the new image, then ready', async () => {
    const before = await runningPod('up');
    const appBefore = cs(before, 'app');
    const oldId = cs(before, 'sidecar')?.imageID;
    const newImage = 'busybox:1.37';
    const seen = await record(
      'up',
      (p) => cs(p, 'sidecar')?.image === newImage && cs(p, 'sidecar')?.ready === true,
      () =>
        core.patchNamespacedPod(
          { name: 'up', namespace: 'inplace', body: { spec: { containers: [{ name: 'sidecar', image: newImage }] } } },
          strategic,
        ),
    );
    const phases = seen.map((p) => {
      const s = cs(p, 'sidecar');
      const specImage = p.spec?.containers.find((c) => c.name === 'sidecar')?.image;
      if (specImage !== newImage) return 'before';
      if (s?.imageID === oldId && s?.ready) return 'inconsistent';
      if (s?.imageID === oldId && !s?.ready) return 'killed';
      if (s?.image === newImage && s?.imageID === `docker.io/library/busybox@sha256:${sha(newImage)}` && !s.ready) return 'starting';
      if (s?.image === newImage && s?.ready) return 'ready';
      return `unexpected ${JSON.stringify(s)}`;
    });
    const order = phases.filter((x, i) => x !== phases[i - 1]);
    expect(order).toEqual(['inconsistent', 'killed', 'starting', 'ready']);
    // Pod readiness follows the container; the other container never restarted.
    for (const p of seen) {
      const ph = phases[seen.indexOf(p)];
      if (ph === 'killed' || ph === 'starting') expect(cond(p, 'Ready')).toBe('False');
      if (ph === 'ready' || ph === 'inconsistent') expect(cond(p, 'Ready')).toBe('True');
    }
    const after = seen.at(-1) as k8s.V1Pod;
    expect(cs(after, 'sidecar')?.restartCount).toBe(1);
    expect(cs(after, 'sidecar')?.lastState?.terminated?.reason).toBe('Completed');
    expect(cs(after, 'app')?.restartCount).toBe(0);
    expect(cs(after, 'app')?.containerID).toBe(appBefore?.containerID);
  });

  it('an in-place change to a broken image stays waiting and not ready', async () => {
    await runningPod('bad');
    const broken = 'busybox:1.37-broken';
    const seen = await record(
      'bad',
      (p) => cs(p, 'sidecar')?.state?.waiting?.reason === 'ImagePullBackOff',
      () =>
        core.patchNamespacedPod(
          { name: 'bad', namespace: 'inplace', body: { spec: { containers: [{ name: 'sidecar', image: broken }] } } },
          strategic,
        ),
    );
    const last = seen.at(-1) as k8s.V1Pod;
    expect(cs(last, 'sidecar')).toMatchObject({ image: broken, imageID: '', ready: false });
    expect(cs(last, 'app')?.ready).toBe(true);
    expect(cond(last, 'Ready')).toBe('False');
    expect(last.status?.conditions?.find((c) => c.type === 'Ready')?.message).toBe('containers with unready status: [sidecar]');
  });
});

describe('workload controllers', () => {
  it('makes a Deployment into a ReplicaSet and pods, scales it, and rolls a template change to a new ReplicaSet', async () => {
    await apps.createNamespacedDeployment({ namespace: 'workloads', body: deploymentBody('web', 3) });
    const d = await waitFor(
      async () => {
        const x = await apps.readNamespacedDeployment({ name: 'web', namespace: 'workloads' });
        return x.status?.availableReplicas === 3 && x;
      },
      5000,
      '3 available',
    );
    expect(d.status).toMatchObject({ observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 });
    expect(d.status?.conditions?.map((c) => `${c.type}=${c.status}/${c.reason}`)).toEqual([
      'Available=True/MinimumReplicasAvailable',
      'Progressing=True/NewReplicaSetAvailable',
    ]);
    const rs = (await apps.listNamespacedReplicaSet({ namespace: 'workloads', labelSelector: 'app=web' })).items;
    expect(rs).toHaveLength(1);
    const hash = rs[0]?.metadata?.labels?.['pod-template-hash'] as string;
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{6,10}$/);
    expect(rs[0]?.metadata?.name).toBe(`web-${hash}`);
    expect(rs[0]?.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    const pods = (await core.listNamespacedPod({ namespace: 'workloads', labelSelector: 'app=web' })).items;
    expect(pods.map((p) => p.metadata?.name).every((n) => new RegExp(`^web-${hash}-[a-z0-9]{5}$`).test(n ?? ''))).toBe(true);

    await apps.patchNamespacedDeploymentScale({ name: 'web', namespace: 'workloads', body: { spec: { replicas: 5 } } }, merge);
    await waitFor(
      async () => (await apps.readNamespacedDeployment({ name: 'web', namespace: 'workloads' })).status?.readyReplicas === 5,
      5000,
      '5 ready',
    );

    await apps.patchNamespacedDeployment(
      {
        name: 'web',
        namespace: 'workloads',
        body: { spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:1.28' }] } } } },
      },
      strategic,
    );
    const rolled = await waitFor(
      async () => {
        const x = await apps.readNamespacedDeployment({ name: 'web', namespace: 'workloads' });
        const ps = (await core.listNamespacedPod({ namespace: 'workloads', labelSelector: 'app=web' })).items;
        return (
          x.status?.updatedReplicas === 5 &&
          x.status?.availableReplicas === 5 &&
          ps.length === 5 &&
          ps.every((p) => p.spec?.containers[0]?.image === 'nginx:1.28') &&
          x
        );
      },
      10_000,
      'rollout',
    );
    expect(rolled.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    expect(rolled.metadata?.generation).toBe(3);
    const all = (await apps.listNamespacedReplicaSet({ namespace: 'workloads', labelSelector: 'app=web' })).items;
    expect(all.map((r) => r.spec?.replicas).sort()).toEqual([0, 5]);
  });

  it('keeps StatefulSet pods as <name>-<ordinal> and updates them from the highest ordinal', async () => {
    await apps.createNamespacedStatefulSet({
      namespace: 'workloads',
      body: {
        metadata: { name: 'db' },
        spec: {
          replicas: 3,
          serviceName: 'db',
          selector: { matchLabels: { app: 'db' } },
          template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'postgres:16.4' }] } },
        },
      },
    });
    const s = await waitFor(
      async () => {
        const x = await apps.readNamespacedStatefulSet({ name: 'db', namespace: 'workloads' });
        return x.status?.readyReplicas === 3 && x;
      },
      8000,
      'sts ready',
    );
    const pods = (await core.listNamespacedPod({ namespace: 'workloads', labelSelector: 'app=db' })).items;
    expect(pods.map((p) => p.metadata?.name).sort()).toEqual(['db-0', 'db-1', 'db-2']);
    expect(pods.every((p) => p.metadata?.labels?.['controller-revision-hash'] === s.status?.updateRevision)).toBe(true);
    expect(pods.find((p) => p.metadata?.name === 'db-1')?.metadata?.labels?.['apps.kubernetes.io/pod-index']).toBe('1');
    const deletions: string[] = [];
    const w = new k8s.Watch(t.kc());
    const ctl = await w.watch(
      '/api/v1/namespaces/workloads/pods',
      { labelSelector: 'app=db', resourceVersion: s.metadata?.resourceVersion },
      (type, obj) => {
        if (type === 'DELETED') deletions.push(obj.metadata.name);
      },
      () => {},
    );
    await apps.patchNamespacedStatefulSet(
      {
        name: 'db',
        namespace: 'workloads',
        body: { spec: { template: { spec: { containers: [{ name: 'db', image: 'postgres:16.5' }] } } } },
      },
      strategic,
    );
    const done = await waitFor(
      async () => {
        const x = await apps.readNamespacedStatefulSet({ name: 'db', namespace: 'workloads' });
        return x.status?.updatedReplicas === 3 && x.status.readyReplicas === 3 && x.status.currentRevision === x.status.updateRevision && x;
      },
      10_000,
      'sts update',
    );
    ctl.abort();
    expect(deletions).toEqual(['db-2', 'db-1', 'db-0']);
    expect(done.status?.updateRevision).not.toBe(s.status?.updateRevision);
  });

  it('runs one DaemonSet pod per node', async () => {
    await apps.createNamespacedDaemonSet({
      namespace: 'workloads',
      body: {
        metadata: { name: 'agent' },
        spec: {
          selector: { matchLabels: { app: 'agent' } },
          template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'agent', image: 'busybox:1.36' }] } },
        },
      },
    });
    const ds = await waitFor(
      async () => {
        const x = await apps.readNamespacedDaemonSet({ name: 'agent', namespace: 'workloads' });
        return x.status?.numberReady === 3 && x;
      },
      5000,
      'ds ready',
    );
    expect(ds.status).toMatchObject({
      desiredNumberScheduled: 3,
      currentNumberScheduled: 3,
      numberReady: 3,
      updatedNumberScheduled: 3,
      numberMisscheduled: 0,
    });
    const pods = (await core.listNamespacedPod({ namespace: 'workloads', labelSelector: 'app=agent' })).items;
    expect(pods.map((p) => p.spec?.nodeName).sort()).toEqual(['sim-node-1', 'sim-node-2', 'sim-node-3']);
  });
});
