/**
 * The real kubectl against the built-in cluster. The binary comes from $KUBECTL (default
 * `kubectl` on PATH: the 1.32 dispatcher here); KUBECTL=/opt/kubectl120/usr/bin/kubectl runs
 * Debian's 1.20, and a comma-separated list runs each (see lib/sim/README.md).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cluster, startCluster } from './index';
import { waitFor } from './test-support';

/** One or more binaries, comma-separated: KUBECTL=kubectl,/opt/kubectl120/usr/bin/kubectl runs both. */
const BINARIES = (process.env.KUBECTL || 'kubectl')
  .split(',')
  .map((b) => b.trim())
  .filter(Boolean);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Splits kubectl's table output into rows of cells (columns separated by 2+ spaces). */
function table(out: string): string[][] {
  return out
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s{2,}/));
}

const DEPLOYMENT = (replicas: number, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: kubectl-test
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web, logging: enabled}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports: [{containerPort: 80}]
${extra}`;

for (const KUBECTL of BINARIES) {
  describe(`kubectl (${KUBECTL})`, () => {
    let cluster: Cluster;
    let dir: string;
    let minor = 0;

    function kubectl(args: string[], context = 'sim-admin', stdin?: string): Promise<Run> {
      return new Promise((resolve) => {
        const p = execFile(
          KUBECTL,
          ['--kubeconfig', join(dir, 'kubeconfig'), '--context', context, ...args],
          { env: { ...process.env, HOME: dir, KUBECONFIG: '' }, timeout: 30_000 },
          (err, stdout, stderr) => {
            const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code as number) : 1) : 0;
            resolve({ code, stdout: stdout.toString(), stderr: stderr.toString() });
          },
        );
        if (stdin !== undefined) {
          p.stdin?.write(stdin);
          p.stdin?.end();
        }
      });
    }

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'sim-kubectl-'));
      cluster = await startCluster({ port: 0, kubeconfigPath: join(dir, 'kubeconfig'), kubeletDelayMs: 10, nodes: 2 });
      const v = await kubectl(['version', '--client', '-o', 'json']);
      expect(v.code, `${KUBECTL} version failed: ${v.stderr}`).toBe(0);
      minor = Number(JSON.parse(v.stdout).clientVersion.minor.replace(/\D/g, ''));
      const ns = await kubectl(['create', 'namespace', 'kubectl-test']);
      expect(ns.stderr).toBe('');
      expect(ns.stdout.trim()).toBe('namespace/kubectl-test created');
    });

    afterAll(async () => {
      await cluster?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('get ns shows NAME STATUS AGE', async () => {
      const r = await kubectl(['get', 'ns']);
      expect(r.code).toBe(0);
      const rows = table(r.stdout);
      expect(rows[0]).toEqual(['NAME', 'STATUS', 'AGE']);
      expect(rows.find((x) => x[0] === 'default')?.[1]).toBe('Active');
      expect(rows.map((x) => x[0])).toEqual(expect.arrayContaining(['kube-system', 'kruise-system', 'kubectl-test']));
    });

    it('apply -f creates a Deployment with validation on, and re-applies it as a patch', async () => {
      const r = await kubectl(['apply', '-f', '-'], 'sim-admin', DEPLOYMENT(2));
      expect(r.stderr).toBe('');
      expect(r.stdout.trim()).toBe('deployment.apps/web created');
      await waitFor(
        async () => {
          const g = await kubectl(['get', 'deploy', 'web', '-n', 'kubectl-test', '-o', 'jsonpath={.status.readyReplicas}']);
          return g.stdout === '2';
        },
        10_000,
        'deployment ready',
      );
      const again = await kubectl(['apply', '-f', '-'], 'sim-admin', DEPLOYMENT(3));
      expect(again.stderr).toBe('');
      expect(again.stdout.trim()).toBe('deployment.apps/web configured');
      const same = await kubectl(['apply', '-f', '-'], 'sim-admin', DEPLOYMENT(3));
      expect(same.stdout.trim()).toBe('deployment.apps/web unchanged');
      const g = await kubectl(['get', 'deploy', 'web', '-n', 'kubectl-test', '-o', 'jsonpath={.spec.replicas}']);
      expect(g.stdout).toBe('3');
    });

    it('apply rejects an unknown field (server-side strict validation in 1.32, client-side in 1.20)', async () => {
      const bad = DEPLOYMENT(3).replace('  replicas: 3\n', '  replicas: 3\n  replicaz: 4\n').replace('name: web', 'name: web-bad');
      const r = await kubectl(['apply', '-f', '-'], 'sim-admin', bad);
      expect(r.code).not.toBe(0);
      if (minor >= 27) expect(r.stderr).toMatch(/strict decoding error: unknown field "spec\.replicaz"/);
      else expect(r.stderr).toMatch(/unknown field "replicaz"/);
      const g = await kubectl(['get', 'deploy', 'web-bad', '-n', 'kubectl-test']);
      expect(g.code).not.toBe(0);
    });

    it('get pods -A -o wide shows READY STATUS RESTARTS IP NODE', async () => {
      const r = await kubectl(['get', 'pods', '-A', '-o', 'wide']);
      expect(r.code).toBe(0);
      const rows = table(r.stdout);
      expect(rows[0]).toEqual([
        'NAMESPACE',
        'NAME',
        'READY',
        'STATUS',
        'RESTARTS',
        'AGE',
        'IP',
        'NODE',
        'NOMINATED NODE',
        'READINESS GATES',
      ]);
      const web = rows.filter((x) => x[0] === 'kubectl-test' && x[1]?.startsWith('web-'));
      expect(web).toHaveLength(3);
      for (const row of web) {
        expect(row.slice(2, 5)).toEqual(['1/1', 'Running', '0']);
        expect(row[6]).toMatch(/^10\.244\.\d+\.\d+$/);
        expect(row[7]).toMatch(/^sim-node-[12]$/);
      }
    });

    it('get pods -A -w prints a change as it happens', async () => {
      const child: ChildProcess = spawn(KUBECTL, ['--kubeconfig', join(dir, 'kubeconfig'), 'get', 'pods', '-A', '-w'], {
        env: { ...process.env, HOME: dir, KUBECONFIG: '' },
      });
      let out = '';
      child.stdout?.on('data', (d) => {
        out += d.toString();
      });
      try {
        await waitFor(() => out.includes('web-'), 10_000, 'the initial list');
        const c = await kubectl(['run', 'watched', '-n', 'kubectl-test', '--image', 'busybox:1.36-broken', '--restart', 'Never']);
        expect(c.stdout.trim()).toBe('pod/watched created');
        await waitFor(
          () => /kubectl-test\s+watched\s+0\/1\s+(ErrImagePull|ImagePullBackOff)/.test(out),
          10_000,
          'the watched pod failing to pull',
        );
        expect(
          out
            .split('\n')[0]
            ?.trim()
            .split(/\s{2,}/),
        ).toEqual(['NAMESPACE', 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
        expect(out).toMatch(/kubectl-test\s+watched\s+0\/1\s+Pending/);
      } finally {
        child.kill();
      }
    });

    it('patch --type merge and --type json, with a failing json test rejected', async () => {
      const m = await kubectl(['patch', 'deployment', 'web', '-n', 'kubectl-test', '--type', 'merge', '-p', '{"spec":{"replicas":2}}']);
      expect(m.stdout.trim()).toBe('deployment.apps/web patched');
      const j = await kubectl([
        'patch',
        'deployment',
        'web',
        '-n',
        'kubectl-test',
        '--type',
        'json',
        '-p',
        '[{"op":"test","path":"/spec/replicas","value":2},{"op":"replace","path":"/spec/replicas","value":1}]',
      ]);
      expect(j.stdout.trim()).toBe('deployment.apps/web patched');
      const g = await kubectl(['get', 'deploy', 'web', '-n', 'kubectl-test', '-o', 'jsonpath={.spec.replicas}']);
      expect(g.stdout).toBe('1');
      const bad = await kubectl([
        'patch',
        'deployment',
        'web',
        '-n',
        'kubectl-test',
        '--type',
        'json',
        '-p',
        '[{"op":"test","path":"/spec/replicas","value":7}]',
      ]);
      expect(bad.code).not.toBe(0);
      // kube-apiserver 1.32 gives no reason (seen on the real control plane): kubectl 1.32 then
      // adds a generic sentence, kubectl 1.20 prints the bare summary.
      expect(bad.stderr.trim()).toMatch(/^The request is invalid(: the server rejected our request due to an error in our request)?$/);
      const viewer = await kubectl(
        ['patch', 'deployment', 'web', '-n', 'kubectl-test', '--type', 'merge', '-p', '{"spec":{"replicas":2}}'],
        'sim-viewer',
      );
      expect(viewer.code).not.toBe(0);
      expect(viewer.stderr.trim()).toBe(
        'Error from server (Forbidden): deployments.apps "web" is forbidden: User "viewer" cannot patch resource "deployments" in API group "apps" in the namespace "kubectl-test"',
      );
    });

    it('get sidecarsets.apps.kruise.io shows MATCHED UPDATED READY', async () => {
      const ss = `apiVersion: apps.kruise.io/v1beta1
kind: SidecarSet
metadata:
  name: log-agent
spec:
  selector:
    matchLabels: {logging: enabled}
  updateStrategy: {type: RollingUpdate, maxUnavailable: 1}
  containers:
  - name: log-agent
    image: busybox:1.36
    command: ["sleep", "999d"]
`;
      const a = await kubectl(['apply', '-f', '-'], 'sim-admin', ss);
      expect(a.stdout.trim()).toBe('sidecarset.apps.kruise.io/log-agent created');
      // Injection happens at pod creation: recreate the web pods.
      await kubectl(['delete', 'pods', '-n', 'kubectl-test', '-l', 'app=web']);
      const rows = await waitFor(
        async () => {
          const r = await kubectl(['get', 'sidecarsets.apps.kruise.io']);
          const t = table(r.stdout);
          return t[1]?.slice(1, 4).join(' ') === '1 1 1' && t;
        },
        15_000,
        'the SidecarSet to count one ready pod',
      );
      expect(rows[0]).toEqual(['NAME', 'MATCHED', 'UPDATED', 'READY', 'AGE']);
      expect(rows[1]?.[0]).toBe('log-agent');
      const pods = table((await kubectl(['get', 'pods', '-n', 'kubectl-test', '-l', 'app=web'])).stdout);
      expect(pods[1]?.[1]).toBe('2/2');
    });

    it('auth can-i answers yes for admin and no for viewer writes', async () => {
      const admin = await kubectl(['auth', 'can-i', 'patch', 'pods', '-n', 'kubectl-test']);
      expect([admin.stdout.trim(), admin.code]).toEqual(['yes', 0]);
      const viewerPatch = await kubectl(['auth', 'can-i', 'patch', 'sidecarsets.apps.kruise.io'], 'sim-viewer');
      expect([viewerPatch.stdout.trim(), viewerPatch.code]).toEqual(['no', 1]);
      const viewerList = await kubectl(['auth', 'can-i', 'list', 'pods', '--all-namespaces'], 'sim-viewer');
      expect([viewerList.stdout.trim(), viewerList.code]).toEqual(['yes', 0]);
    });

    it('delete removes a Deployment with its pods', async () => {
      const d = await kubectl(['delete', 'deployment', 'web', '-n', 'kubectl-test']);
      expect(d.stdout.trim()).toBe('deployment.apps "web" deleted');
      await waitFor(
        async () => {
          const r = await kubectl(['get', 'pods', '-n', 'kubectl-test', '-l', 'app=web', '-o', 'name']);
          return r.code === 0 && r.stdout.trim() === '';
        },
        10_000,
        'pods gone',
      );
      const g = await kubectl(['get', 'deploy', 'web', '-n', 'kubectl-test']);
      expect(g.stderr.trim()).toBe('Error from server (NotFound): deployments.apps "web" not found');
    });
  });
}
