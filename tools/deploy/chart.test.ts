/**
 * The chart, the plain manifests and the Dockerfile, read as files: Helm's lint, what the chart
 * renders for each sign-in mode (RBAC exactly the expected rules, the pod's security and env),
 * deploy/manifests.yaml up to date, and the Dockerfile's final stage. The real API server's view of
 * the same chart is in-cluster.test.ts and rbac.test.ts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Grant, grantsOf, type K8sObject, lintChart, MANIFESTS, parseManifests, renderChart, renderPlainManifests } from './chart';
import { readImageSpec, ROOT } from './image';
import { EXPECTED_RULES, expectedGrants } from './rbac-rules';

const SA = { name: 'sidecar-fleet', namespace: 'sidecar-fleet' };
const PROXY = ['auth.mode=proxy', 'auth.proxy.existingSecret=fleet-proxy'];

function render(set: string[] = []): K8sObject[] {
  return parseManifests(renderChart({ release: 'sidecar-fleet', namespace: 'sidecar-fleet', set }));
}

const key = (g: Pick<Grant, 'scope' | 'group' | 'resource' | 'verb'>) => `${g.scope} ${g.group || 'core'}/${g.resource} ${g.verb}`;

function only<T extends K8sObject>(objects: K8sObject[], kind: string): T {
  const found = objects.filter((o) => o.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0] as T;
}

interface Container {
  env: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>;
  securityContext: Record<string, unknown>;
  volumeMounts: Array<{ name: string; mountPath: string }>;
  readinessProbe: { httpGet: { path: string } };
  livenessProbe: { httpGet: { path: string } };
  startupProbe: { httpGet: { path: string } };
  ports: Array<{ name: string; containerPort: number }>;
}
interface PodSpec {
  securityContext: Record<string, unknown>;
  serviceAccountName: string;
  containers: Container[];
  volumes: Array<{ name: string; emptyDir?: unknown }>;
}

function podOf(objects: K8sObject[]): { replicas: number; pod: PodSpec; container: Container; env: Map<string, Container['env'][number]> } {
  const d = only(objects, 'Deployment') as K8sObject & { spec: { replicas: number; template: { spec: PodSpec } } };
  const pod = d.spec.template.spec;
  const container = pod.containers[0] as Container;
  return { replicas: d.spec.replicas, pod, container, env: new Map(container.env.map((e) => [e.name, e])) };
}

describe('helm lint', () => {
  it.each([
    ['the defaults (token sign-in)', []],
    ['proxy sign-in', PROXY],
    ['the rollout guard off', ['guard.enabled=false']],
    ['an Ingress and a NetworkPolicy', ['ingress.enabled=true', 'ingress.hosts={fleet.example.com}', 'networkPolicy.enabled=true']],
  ])('passes --strict with %s', (_, set) => {
    expect(lintChart({ set })).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
  });

  it('refuses local sign-in (no sign-in, loopback only) and proxy sign-in without its secret', () => {
    expect(() => renderChart({ set: ['auth.mode=local'] })).toThrow(/auth\/mode.*must be one of 'token', 'proxy'/s);
    expect(() => renderChart({ set: ['auth.mode=proxy'] })).toThrow(/auth.mode=proxy needs auth.proxy.existingSecret/);
  });
});

describe('RBAC', () => {
  it.each([
    ['token sign-in', [], { guard: true, proxy: false }],
    ['proxy sign-in', PROXY, { guard: true, proxy: true }],
    ['the guard off', ['guard.enabled=false'], { guard: false, proxy: false }],
    ['proxy sign-in and the guard off', [...PROXY, 'guard.enabled=false'], { guard: false, proxy: true }],
  ])('with %s, the service account gets exactly the expected rules', (_, set, opts) => {
    const granted = grantsOf(render(set), SA).map(key).sort();
    const expected = expectedGrants({ ...opts, kruiseNamespace: 'kruise-system' })
      .map(key)
      .sort();
    expect(granted).toEqual(expected);
  });

  it('follows the Kruise namespace', () => {
    const grants = grantsOf(render(['kruise.namespace=openkruise']), SA);
    expect(grants.filter((g) => g.resource === 'controllerrevisions').map(key)).toEqual([
      'openkruise apps/controllerrevisions list',
      'openkruise apps/controllerrevisions watch',
    ]);
  });

  it('has no wildcard, no secrets, no exec or other subresources, no get, nothing bound to anyone else', () => {
    const objects = render([...PROXY, 'ingress.enabled=true', 'ingress.hosts={a.example}', 'networkPolicy.enabled=true']);
    for (const o of objects.filter((x) => x.kind === 'ClusterRole' || x.kind === 'Role')) {
      for (const r of o.rules as Array<{ apiGroups: string[]; resources: string[]; verbs: string[]; nonResourceURLs?: string[] }>) {
        expect(
          [...r.apiGroups, ...r.resources, ...r.verbs].some((x) => x.includes('*')),
          `${o.metadata.name} wildcard`,
        ).toBe(false);
        expect(r.resources).not.toContain('secrets');
        expect(
          r.resources.some((x) => x.includes('/')),
          `${o.metadata.name} subresource`,
        ).toBe(false);
        expect(r.verbs).not.toContain('get');
        expect(r.nonResourceURLs).toBeUndefined();
      }
    }
    for (const b of objects.filter((x) => x.kind.endsWith('Binding'))) {
      expect(b.subjects).toEqual([{ kind: 'ServiceAccount', ...SA }]);
    }
  });

  it('the README lists every rule with its feature', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Install in a cluster'));
    for (const r of EXPECTED_RULES) {
      const row = section.split('\n').find((l) => l.startsWith('|') && l.includes(`\`${r.resource}\``) && l.includes(r.verbs.join(', ')));
      expect(row, `README row for ${r.resource} ${r.verbs.join(',')}`).toBeDefined();
    }
  });
});

describe('the Deployment', () => {
  it('runs two replicas as the image user, with a read-only root, no privileges and /tmp as its only writable path', () => {
    const objects = render();
    const { replicas, pod, container } = podOf(objects);
    expect(replicas).toBe(2);
    const [uid, gid] = readImageSpec().user.split(':').map(Number);
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: uid,
      runAsGroup: gid,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(container.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }]);
    expect(pod.serviceAccountName).toBe('sidecar-fleet');
    expect([container.startupProbe.httpGet.path, container.livenessProbe.httpGet.path, container.readinessProbe.httpGet.path]).toEqual([
      '/healthz',
      '/healthz',
      '/readyz',
    ]);
    const pdb = only(objects, 'PodDisruptionBudget') as K8sObject & { spec: { minAvailable: number; selector: unknown } };
    const service = only(objects, 'Service') as K8sObject & { spec: { selector: unknown; ports: Array<{ targetPort: string }> } };
    const deployment = only(objects, 'Deployment') as K8sObject & { spec: { selector: { matchLabels: unknown } } };
    expect(pdb.spec).toEqual({ minAvailable: 1, selector: deployment.spec.selector });
    expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(service.spec.ports[0]?.targetPort).toBe(container.ports[0]?.name);
  });

  it('passes the sign-in contract as env: token by default, secrets by reference, listening on every interface', () => {
    const { env } = podOf(render(['allowedHosts={localhost:8080}', 'ingress.enabled=true', 'ingress.hosts={fleet.example.com}']));
    const value = (n: string) => env.get(n)?.value;
    expect(value('SIDECAR_FLEET_AUTH')).toBe('token');
    expect(value('SIDECAR_FLEET_HOST')).toBe('0.0.0.0');
    expect(value('HOSTNAME')).toBe('0.0.0.0');
    expect(value('PORT')).toBe('3000');
    expect(value('SIDECAR_FLEET_ALLOWED_HOSTS')).toBe('localhost:8080,fleet.example.com');
    expect(value('SIDECAR_FLEET_KRUISE_NAMESPACE')).toBe('kruise-system');
    expect(value('SIDECAR_FLEET_GUARD')).toBe('on');
    expect(env.get('SIDECAR_FLEET_SESSION_SECRET')?.valueFrom).toEqual({
      secretKeyRef: { name: 'sidecar-fleet-session', key: 'session-secret' },
    });
    expect(env.has('SIDECAR_FLEET_PROXY_SECRET')).toBe(false);
  });

  it('in proxy mode takes the proxy secret from the named Secret; guard.enabled=false turns the guard off', () => {
    const proxy = podOf(render(PROXY)).env;
    expect(proxy.get('SIDECAR_FLEET_AUTH')?.value).toBe('proxy');
    expect(proxy.get('SIDECAR_FLEET_PROXY_SECRET')?.valueFrom).toEqual({ secretKeyRef: { name: 'fleet-proxy', key: 'proxy-secret' } });
    expect(podOf(render(['guard.enabled=false'])).env.get('SIDECAR_FLEET_GUARD')?.value).toBe('off');
  });

  it('creates the session Secret unless one is named', () => {
    const created = render().filter((o) => o.kind === 'Secret');
    expect(created.map((s) => s.metadata.name)).toEqual(['sidecar-fleet-session']);
    const data = (created[0] as K8sObject & { data: Record<string, string> }).data;
    expect(Buffer.from(data['session-secret'] as string, 'base64').length).toBe(48);
    expect(render(['auth.sessionSecret.existingSecret=mine']).filter((o) => o.kind === 'Secret')).toEqual([]);
  });
});

describe('deploy/manifests.yaml', () => {
  it('is what the chart renders (npm run manifests)', () => {
    expect(readFileSync(MANIFESTS, 'utf8')).toBe(renderPlainManifests());
  });
});

describe('Dockerfile', () => {
  const spec = readImageSpec();

  it('runs the standalone server on a slim Node 20 as a non-root user, with a health check', () => {
    expect(spec.stages).toEqual(['deps', 'build', 'runtime']);
    expect(spec.from).toBe('node:20-bookworm-slim');
    expect(spec.workdir).toBe('/app');
    expect(spec.user).toBe('1000:1000');
    expect(spec.cmd).toEqual(['node', 'server.js']);
    expect(spec.healthcheck?.join(' ')).toContain('/healthz');
    expect(spec.env).toMatchObject({ NODE_ENV: 'production', HOSTNAME: '0.0.0.0', PORT: '3000', NEXT_MANUAL_SIG_HANDLE: 'true' });
  });

  it('copies only the laid-out server into the final stage and installs nothing there', () => {
    expect(spec.copies).toEqual([{ from: 'build', src: '/image/app', dest: '/app' }]);
    // The final stage only removes (npm, npx, corepack, yarn): no package manager, compiler or build output.
    expect(spec.runs).toHaveLength(1);
    expect(spec.runs[0]).toMatch(/^rm -rf /);
    expect(spec.runs[0]).toContain('/usr/local/bin/npm');
    const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain('node scripts/image-layout.mjs /image');
  });
});

describe('the server heap', () => {
  const heapOption = (set: string[]) => podOf(render(set)).env.get('NODE_OPTIONS')?.value;

  it('is heapPercent of the memory limit, so Node collects garbage before the limit rather than being killed at it', () => {
    expect(heapOption([])).toBe('--max-old-space-size=384');
    expect(heapOption(['resources.limits.memory=1536Mi'])).toBe('--max-old-space-size=1152 --max-semi-space-size=32');
    expect(heapOption(['resources.limits.memory=2Gi', 'heapPercent=50'])).toBe('--max-old-space-size=1024 --max-semi-space-size=32');
  });

  it("is left to Node's default with heapPercent 0 or a limit not in Mi or Gi", () => {
    expect(heapOption(['heapPercent=0'])).toBeUndefined();
    expect(heapOption(['resources.limits.memory=1G'])).toBeUndefined();
    expect(() => render(['heapPercent=95'])).toThrow(/heapPercent/);
  });

  it('gives the young generation 32 MiB semi-spaces from a 1Gi limit, the size for 150,000 pods', () => {
    expect(heapOption(['resources.limits.memory=1Gi'])).toBe('--max-old-space-size=768 --max-semi-space-size=32');
    expect(heapOption(['resources.limits.memory=1023Mi'])).toBe('--max-old-space-size=767');
    expect(heapOption(['resources.limits.memory=2Gi', 'heapPercent=0'])).toBe('--max-semi-space-size=32');
  });
});
