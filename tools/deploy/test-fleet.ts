/**
 * A small fleet for the deployment tests, written with kubectl as a platform engineer would: one
 * namespace per SidecarSet, a Deployment whose pods it injects, and the rollout guard opted in.
 */
import { execFile } from 'node:child_process';
import { kubectl } from './install';

export interface SmallFleet {
  sidecarSet: string;
  namespace: string;
  replicas: number;
}

/** A guarded SidecarSet and a Deployment of `replicas` pods it injects; resolves once every pod is ready. */
export async function guardedFleet(
  kubeconfig: string,
  name: string,
  replicas: number,
  labels: Record<string, string> = {},
): Promise<SmallFleet> {
  const labelLines = Object.entries(labels)
    .map(([k, v]) => `\n    ${k}: "${v}"`)
    .join('');
  kubectl(
    kubeconfig,
    ['apply', '-f', '-'],
    `apiVersion: v1
kind: Namespace
metadata:
  name: ${name}
---
apiVersion: apps.kruise.io/v1beta1
kind: SidecarSet
metadata:
  name: ${name}
  annotations:
    sidecarfleet.io/guard: '{"maxFailedPods":0,"notReadySeconds":60}'
  labels:
    app.kubernetes.io/part-of: deploy-tests${labelLines}
spec:
  selector:
    matchLabels:
      app: ${name}
  updateStrategy:
    type: RollingUpdate
    maxUnavailable: 1
  containers:
    - name: log-agent
      image: docker.io/library/busybox:1.36
      command: ["sleep", "999d"]
`,
  );
  // Kruise's pod webhook injects from its informer: create pods once its controller saw the SidecarSet.
  await until(`Kruise to observe SidecarSet ${name}`, () => {
    const ss = JSON.parse(kubectl(kubeconfig, ['get', 'sidecarset', name, '-o', 'json']));
    return ss.status?.observedGeneration === ss.metadata.generation;
  });
  kubectl(
    kubeconfig,
    ['apply', '-f', '-'],
    `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${name}
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
        - name: nginx
          image: docker.io/library/nginx:1.27
`,
  );
  await until(`${replicas} ready pods injected by ${name}`, () => {
    const ss = JSON.parse(kubectl(kubeconfig, ['get', 'sidecarset', name, '-o', 'json']));
    return ss.status?.matchedPods === replicas && ss.status?.readyPods === replicas;
  });
  return { sidecarSet: name, namespace: name, replicas };
}

/** Starts a rollout to an image the kubelet cannot pull (KWOK's stages: a tag ending in -broken). */
export function breakRollout(kubeconfig: string, name: string): void {
  kubectl(kubeconfig, breakArgs(name));
}

/** breakRollout without blocking this process (for a test whose admission webhook runs in it). */
export function breakRolloutAsync(kubeconfig: string, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('kubectl', ['--kubeconfig', kubeconfig, ...breakArgs(name)], (err, _out, stderr) =>
      err ? reject(new Error(stderr || err.message)) : resolve(),
    );
  });
}

function breakArgs(name: string): string[] {
  return [
    'patch',
    'sidecarset',
    name,
    '--type=json',
    '-p',
    JSON.stringify([{ op: 'replace', path: '/spec/containers/0/image', value: 'docker.io/library/busybox:1.37-broken' }]),
  ];
}

export function isPaused(kubeconfig: string, name: string): boolean {
  return kubectl(kubeconfig, ['get', 'sidecarset', name, '-o', 'jsonpath={.spec.updateStrategy.paused}']).trim() === 'true';
}

/** Events the dashboard wrote about a SidecarSet (namespace default), by reason. */
export function sidecarSetEvents(
  kubeconfig: string,
  name: string,
  reason: string,
): Array<{ message: string; source?: { component?: string } }> {
  const list = JSON.parse(kubectl(kubeconfig, ['-n', 'default', 'get', 'events', '-o', 'json']));
  return (list.items as Array<{ reason: string; message: string; involvedObject: { kind: string; name: string } }>).filter(
    (e) => e.reason === reason && e.involvedObject.kind === 'SidecarSet' && e.involvedObject.name === name,
  );
}

/** Polls `check` (every 250 ms) until it returns a truthy value; fails naming `what` after `timeoutMs`. */
export async function until<T>(what: string, check: () => T | Promise<T>, timeoutMs = 120_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
      last = v;
    } catch (e) {
      last = e instanceof Error ? e.message : e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)?.slice(0, 500)})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
