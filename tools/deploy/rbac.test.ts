/**
 * The chart's RBAC on the real API server: the service account can do exactly what
 * tools/deploy/rbac-rules.ts lists and nothing else (`kubectl auth can-i --list` with its own token,
 * against a service account bound to nothing), and each rule is needed: remove it, the API server
 * says no (`kubectl auth can-i --as`), and the dashboard running in-cluster as that service account
 * shows the feature it serves broken. Needs `npx next build` first.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RealCluster, startRealCluster } from '@/tools/real-cluster/index';
import { type ImageServer, layoutImage } from './image';
import { MANIFEST_SET, MANIFESTS } from './chart';
import {
  applyManifests,
  type Installed,
  installChart,
  issueToken,
  kubectl,
  runDir,
  serviceAccountUser,
  startInClusterServer,
} from './install';
import { sessionCookie } from './session-cookie';
import { EXPECTED_RULES, type ExpectedRule, expectedGrants } from './rbac-rules';
import { freePort } from '../real-cluster/processes';
import { breakRollout, guardedFleet, isPaused, sidecarSetEvents, until } from './test-fleet';

let cluster: RealCluster;
let kubeconfig: string;
let dir: string;
let app: string;
let installed: Installed;
let port: number;
let sessionSecret: string;
/** The signed-in admin, who may read everything: what the dashboard shows them is what its own caches hold. */
let adminCookie: string;
const servers: ImageServer[] = [];
const RELEASE = { release: 'sidecar-fleet', namespace: 'sidecar-fleet' };
const KRUISE_NS = 'kruise-system';
/** The values deploy/manifests.yaml is rendered with, and this test's Host and drain delay. */
const BASE_SET = () => [...MANIFEST_SET, `allowedHosts={127.0.0.1:${port}}`, 'shutdown.delaySeconds=0'];

beforeAll(async () => {
  dir = runDir('rbac');
  cluster = await startRealCluster({ dir: path.join(dir, 'cluster'), fleet: 'empty', kubeletDelayMs: 150 });
  kubeconfig = cluster.kubeconfigPath as string;
  await guardedFleet(kubeconfig, 'shop', 3);
  port = await freePort();
  // README, "Or: plain manifests": the namespace, the session Secret, deploy/manifests.yaml with the
  // image replaced; then the port this test serves on as an accepted Host.
  kubectl(kubeconfig, ['create', 'namespace', RELEASE.namespace]);
  sessionSecret = randomBytes(32).toString('hex');
  kubectl(kubeconfig, [
    '-n',
    RELEASE.namespace,
    'create',
    'secret',
    'generic',
    'sidecar-fleet-session',
    `--from-literal=session-secret=${sessionSecret}`,
  ]);
  const manifest = readFileSync(MANIFESTS, 'utf8').replaceAll(
    'registry.example.com/sidecar-fleet:0.1.0',
    'registry.example.com/platform/sidecar-fleet:0.1.0',
  );
  installed = applyManifests(kubeconfig, manifest, RELEASE.release, RELEASE.namespace);
  kubectl(kubeconfig, [
    '-n',
    RELEASE.namespace,
    'set',
    'env',
    'deployment/sidecar-fleet',
    `SIDECAR_FLEET_ALLOWED_HOSTS=127.0.0.1:${port}`,
    'SIDECAR_FLEET_SHUTDOWN_DELAY_MS=0',
  ]);
  app = layoutImage(path.join(dir, 'image'));
  adminCookie = await sessionCookie(sessionSecret, { user: 'admin', token: cluster.tokens.admin });
  // A service account bound to nothing: what every authenticated identity may do anyway.
  kubectl(kubeconfig, ['-n', RELEASE.namespace, 'create', 'serviceaccount', 'baseline']);
});

afterAll(async () => {
  for (const s of servers) await s.stop('SIGKILL');
  await cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function startServer(name: string): Promise<ImageServer> {
  const s = await startInClusterServer({ kubeconfig, installed, apiServer: cluster.url, port, dir, app, name });
  servers.push(s);
  return s;
}

async function stopServer(s: ImageServer): Promise<void> {
  await s.stop('SIGTERM');
  servers.splice(servers.indexOf(s), 1);
}

// `kubectl auth can-i --list`, parsed by its header's columns, one row per verb.
function canIList(token: string, namespace: string): Set<string> {
  const out = kubectl(kubeconfig, ['--token', token, '-n', namespace, 'auth', 'can-i', '--list']);
  const [header, ...lines] = out.split('\n');
  const cols = ['Resources', 'Non-Resource URLs', 'Resource Names', 'Verbs'].map((c) => (header as string).indexOf(c));
  const rows = new Set<string>();
  for (const line of lines.filter((l) => l.trim())) {
    const cell = (i: number) => line.slice(cols[i], i + 1 < cols.length ? cols[i + 1] : undefined).trim();
    const verbs = cell(3)
      .replace(/^\[|\]$/g, '')
      .split(' ')
      .filter(Boolean);
    for (const verb of verbs) rows.add(`${cell(0) || '-'} ${cell(1)} ${cell(2)} ${verb}`);
  }
  return rows;
}

/** How can-i --list names a granted resource: "pods", "deployments.apps", "sidecarsets.apps.kruise.io". */
const listed = (g: { group: string; resource: string; verb: string }) =>
  `${g.group ? `${g.resource}.${g.group}` : g.resource} [] [] ${g.verb}`;

/** `kubectl auth can-i`, as the service account (impersonated by the admin), or with `token` as `as`. */
function canI(verb: string, resource: string, namespace?: string, as = serviceAccountUser(installed), token?: string): boolean {
  const who = token ? ['--token', token, ...(as ? [`--as=${as}`] : [])] : [`--as=${as}`];
  const args = ['--kubeconfig', kubeconfig, ...who, 'auth', 'can-i', verb, resource, ...(namespace ? ['-n', namespace] : [])];
  const r = spawnSync('kubectl', args, { encoding: 'utf8', timeout: 30_000 });
  // can-i prints yes or no, and exits 1 for no.
  if (r.status === 0 && r.stdout.trim() === 'yes') return true;
  if (r.status === 1 && r.stdout.trim() === 'no') return false;
  throw new Error(`kubectl auth can-i ${verb} ${resource}: ${r.status} ${r.stdout} ${r.stderr}`);
}

interface RoleRef {
  kind: 'ClusterRole' | 'Role';
  name: string;
  namespace?: string;
}

function roleArgs(r: RoleRef): string[] {
  return [...(r.namespace ? ['-n', r.namespace] : []), 'get', r.kind.toLowerCase(), r.name, '-o', 'json'];
}

/** Runs `fn` with the rule for `rule.resource` removed from `role`, and puts it back after. */
async function withoutRule<T>(role: RoleRef, rule: Pick<ExpectedRule, 'group' | 'resource'>, fn: () => Promise<T>): Promise<T> {
  const obj = JSON.parse(kubectl(kubeconfig, roleArgs(role)));
  const original = obj.rules as Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }>;
  const kept = original.filter((r) => !(r.apiGroups.includes(rule.group) && r.resources.includes(rule.resource)));
  expect(kept.length, `${role.name} has a rule for ${rule.resource}`).toBe(original.length - 1);
  kubectl(kubeconfig, ['replace', '-f', '-'], JSON.stringify({ ...obj, rules: kept }));
  try {
    return await fn();
  } finally {
    const now = JSON.parse(kubectl(kubeconfig, roleArgs(role)));
    kubectl(kubeconfig, ['replace', '-f', '-'], JSON.stringify({ ...now, rules: original }));
  }
}

const resourceArg = (r: Pick<ExpectedRule, 'group' | 'resource'>) => (r.group ? `${r.resource}.${r.group}` : r.resource);

describe('the plain manifests', () => {
  it('apply with a server-side dry run, then for real, and roll out', () => {
    // kubectl names each object as <kind>[.<group>]/<name>.
    const line = (o: (typeof installed.objects)[number], suffix: string) =>
      new RegExp(`^${o.kind.toLowerCase()}(\\.[a-z0-9.]+)?/${o.metadata.name} ${suffix}$`, 'm');
    expect(installed.dryRun.trim().split('\n')).toHaveLength(installed.objects.length);
    for (const o of installed.objects) {
      expect(installed.dryRun, `${o.kind} ${o.metadata.name}`).toMatch(line(o, 'created \\(server dry run\\)'));
      expect(installed.applied, `${o.kind} ${o.metadata.name}`).toMatch(line(o, 'created'));
    }
    expect(installed.objects.map((o) => o.kind)).not.toContain('Secret');
    const status = kubectl(kubeconfig, ['-n', RELEASE.namespace, 'rollout', 'status', 'deploy/sidecar-fleet', '--timeout=120s']);
    expect(status).toContain('successfully rolled out');
  });
});

describe('what the service account may do', () => {
  it.each([
    ['its own namespace', RELEASE.namespace],
    ['the Kruise namespace', KRUISE_NS],
    ['namespace default', 'default'],
    ['a workload namespace', 'shop'],
  ])('in %s: exactly the expected rules beyond what any authenticated identity may do', (_, namespace) => {
    const granted = canIList(issueToken(kubeconfig, installed), namespace);
    const baseline = canIList(issueToken(kubeconfig, { namespace: RELEASE.namespace, serviceAccount: 'baseline' }), namespace);
    const extra = [...granted].filter((r) => !baseline.has(r)).sort();
    const expected = expectedGrants({ guard: true, proxy: false, kruiseNamespace: KRUISE_NS })
      .filter((g) => g.scope === 'cluster' || g.scope === namespace)
      .map(listed)
      .sort();
    expect(extra).toEqual(expected);
    // The baseline is the API server's defaults for everyone (access reviews, discovery), no more.
    expect([...baseline].filter((r) => !r.startsWith('self') && !r.startsWith('-')).sort()).toEqual([]);
  });
});

describe('each read rule is needed: without it, the dashboard shows what it serves as refused', () => {
  const reads = EXPECTED_RULES.filter((r) => r.verbs.includes('list'));

  it.each(reads.map((r) => [`${r.verbs.join('/')} ${resourceArg(r)}`, r] as const))(
    'without %s',
    async (_, rule) => {
      const role: RoleRef =
        rule.scope === 'kruise'
          ? { kind: 'Role', name: 'sidecar-fleet-revisions', namespace: KRUISE_NS }
          : { kind: 'ClusterRole', name: 'sidecar-fleet-read' };
      const ns = rule.scope === 'kruise' ? KRUISE_NS : undefined;
      for (const verb of rule.verbs) expect(canI(verb, resourceArg(rule), ns), `${verb} before`).toBe(true);
      await withoutRule(role, rule, async () => {
        for (const verb of rule.verbs) expect(canI(verb, resourceArg(rule), ns), `${verb} without the rule`).toBe(false);
        const server = await startServer(`no-${rule.resource}`);
        try {
          // Ready, but degraded: a refusal is shown in place, not an outage.
          const ready = await until(`/readyz to name the refused ${rule.resource}`, async () => {
            const r = await fetch(`${server.url}/readyz`);
            const body = (await r.json()) as { degraded: string[] };
            return r.status === 200 && body.degraded.length > 0 ? body : undefined;
          });
          expect(ready.degraded.every((d) => d.startsWith(rule.resource))).toBe(true);
          const overview = (await (
            await fetch(`${server.url}/api/c/in-cluster/overview`, { headers: { cookie: adminCookie } })
          ).json()) as {
            sidecarSets: unknown[];
            freshness: { errors: Array<{ resource: string; code?: number; namespace?: string }> };
          };
          // The overview says exactly this resource is refused (per namespace for pods, events and
          // workloads, which fall back to one list per namespace), and nothing else.
          expect(overview.freshness.errors.length).toBeGreaterThan(0);
          for (const e of overview.freshness.errors) expect(e).toMatchObject({ resource: rule.resource, code: 403 });
          if (rule.resource === 'sidecarsets') expect(overview.sidecarSets).toEqual([]);
          else expect(overview.sidecarSets).toHaveLength(1);
        } finally {
          await stopServer(server);
        }
      });
    },
    60_000,
  );
});

describe('each write rule is needed: the rollout guard and the actions', () => {
  // The rollout actions patch as the signed-in person; the dashboard's own patch right is the guard's.
  it('without patch sidecarsets the guard cannot pause; without create events the pause leaves no audit Event', async () => {
    const guardRole: RoleRef = { kind: 'ClusterRole', name: 'sidecar-fleet-guard' };
    const events: RoleRef = { kind: 'Role', name: 'sidecar-fleet-events', namespace: 'default' };
    expect(canI('patch', 'sidecarsets.apps.kruise.io')).toBe(true);
    expect(canI('create', 'events', 'default')).toBe(true);
    expect(canI('create', 'events', 'shop')).toBe(false);
    await withoutRule(events, { group: '', resource: 'events' }, async () => {
      expect(canI('create', 'events', 'default')).toBe(false);
      const server = await startServer('writes');
      try {
        await withoutRule(guardRole, { group: 'apps.kruise.io', resource: 'sidecarsets' }, async () => {
          expect(canI('patch', 'sidecarsets.apps.kruise.io')).toBe(false);
          breakRollout(kubeconfig, 'shop');
          const failed = await until('the guard to fail to pause', () =>
            server.logs().find((l) => l.component === 'rollout-guard' && String(l.msg).startsWith('could not pause shop')),
          );
          expect(String(failed.msg)).toMatch(/forbidden/i);
          expect(isPaused(kubeconfig, 'shop')).toBe(false);
        });
        // Patch allowed again, Events still not: the guard pauses on its next try, and says the
        // audit Event is missing.
        expect(canI('patch', 'sidecarsets.apps.kruise.io')).toBe(true);
        await until('the guard to pause once it may', () => isPaused(kubeconfig, 'shop'), 60_000);
        const noEvent = await until('the guard to report the missing Event', () =>
          server
            .logs()
            .find((l) => l.component === 'rollout-guard' && String(l.msg).startsWith('paused shop but could not write its Event')),
        );
        expect(String(noEvent.msg)).toMatch(/forbidden/i);
        expect(sidecarSetEvents(kubeconfig, 'shop', 'RolloutGuardPaused')).toEqual([]);
        const metrics = await (await fetch(`${server.url}/metrics`)).text();
        expect(metrics).toMatch(/^sidecar_fleet_guard_decisions_total\{decision="failed"\} [1-9]/m);
        expect(metrics).toMatch(/^sidecar_fleet_guard_decisions_total\{decision="paused"\} 1$/m);
      } finally {
        await stopServer(server);
      }
    });
  }, 120_000);
});

describe('impersonation, only in proxy sign-in mode', () => {
  const PROXY_SECRET = randomBytes(24).toString('hex');
  /** A request as the authenticating proxy sends it: the person's name, with the shared secret. */
  const asProxiedUser = (user: string, groups = '') => ({
    'x-forwarded-user': user,
    'x-forwarded-groups': groups,
    'x-sidecar-fleet-proxy-secret': PROXY_SECRET,
  });

  it('is not granted in token mode', () => {
    const sa = serviceAccountUser(installed);
    const token = issueToken(kubeconfig, installed);
    expect(canI('impersonate', 'users', undefined, sa)).toBe(false);
    expect(() => kubectl(kubeconfig, ['--token', token, '--as', 'viewer', 'get', 'sidecarsets'])).toThrow(
      /cannot impersonate resource "users"/,
    );
  });

  it('in proxy mode the dashboard acts as the person the proxy names, with their rights; without the rule it cannot', async () => {
    kubectl(kubeconfig, [
      '-n',
      RELEASE.namespace,
      'create',
      'secret',
      'generic',
      'fleet-proxy',
      `--from-literal=proxy-secret=${PROXY_SECRET}`,
    ]);
    installed = installChart(kubeconfig, { ...RELEASE, set: [...BASE_SET(), 'auth.mode=proxy', 'auth.proxy.existingSecret=fleet-proxy'] });
    const sa = serviceAccountUser(installed);
    expect(canI('impersonate', 'users', undefined, sa)).toBe(true);
    expect(canI('impersonate', 'groups', undefined, sa)).toBe(true);
    expect(canI('impersonate', 'serviceaccounts', undefined, sa)).toBe(false);
    const granted = canIList(issueToken(kubeconfig, installed), RELEASE.namespace);
    expect(granted.has('users [] [] impersonate')).toBe(true);
    expect(granted.has('groups [] [] impersonate')).toBe(true);

    const server = await startServer('proxy');
    try {
      const access = async (user: string, groups = '') => {
        const r = await fetch(`${server.url}/api/c/in-cluster/sidecarsets/shop/rollout`, { headers: asProxiedUser(user, groups) });
        return { status: r.status, body: (await r.json()) as { canPatch?: boolean; reason?: string } };
      };
      // The viewer may read but not patch, the editor may patch: the cluster decides per person. The
      // admin's rights come with a group (system:masters): impersonated with it, the admin may patch.
      const viewer = await access('viewer');
      expect(viewer).toMatchObject({ status: 200, body: { canPatch: false } });
      expect(viewer.body.reason).toMatch(/^viewer may not patch sidecarsets\.apps\.kruise\.io "shop"/);
      expect(await access('editor')).toMatchObject({ status: 200, body: { canPatch: true } });
      expect(await access('admin')).toMatchObject({ status: 200, body: { canPatch: false } });
      expect(await access('admin', 'system:masters')).toMatchObject({ status: 200, body: { canPatch: true } });

      await withoutRule({ kind: 'ClusterRole', name: 'sidecar-fleet-impersonate' }, { group: '', resource: 'users' }, async () => {
        expect(canI('impersonate', 'users', undefined, sa)).toBe(false);
        // Access answers are kept 15 s per person: ask as someone not asked about before.
        const refused = await access('restricted');
        expect(refused.body.canPatch).toBe(false);
        expect(refused.body.reason).toMatch(/cannot impersonate resource "users"/);
      });
    } finally {
      await stopServer(server);
    }
  }, 120_000);
});
