/**
 * `npm test`: every test, one stage after another, on the built-in cluster and then on the real
 * control plane (tools/real-cluster; its binaries are built on first use and cached), with the
 * time each stage took. Stops at the first failing stage.
 *
 *   npm test                      every stage
 *   npm test -- --only unit,e2e   some stages (names below)
 *   npm test -- --skip real-e2e   all but some
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';

const root = path.resolve(__dirname, '..');
const REAL = { SIDECAR_FLEET_TEST_CLUSTER: 'real' };

const STAGES: Array<{ name: string; what: string; cmd: string[]; env?: Record<string, string> }> = [
  { name: 'typecheck', what: 'TypeScript', cmd: ['npm', 'run', '--silent', 'typecheck'] },
  { name: 'lint', what: 'Biome', cmd: ['npm', 'run', '--silent', 'lint'] },
  { name: 'unit', what: 'Vitest on the built-in cluster', cmd: ['npx', 'vitest', 'run'] },
  { name: 'real-build', what: 'upstream binaries (built once per machine, then cached)', cmd: ['tools/real-cluster/build.sh'] },
  {
    name: 'real-unit',
    what: 'Vitest on the real control plane, compared with the built-in cluster',
    // tools/deploy runs in the deploy stage, after the build it needs.
    cmd: ['npx', 'vitest', 'run', '--exclude', 'tools/deploy/**'],
    env: REAL,
  },
  { name: 'build', what: 'next build', cmd: ['npx', 'next', 'build'] },
  { name: 'e2e', what: 'Playwright on the built-in cluster', cmd: ['npx', 'playwright', 'test'] },
  { name: 'real-e2e', what: 'Playwright on the real control plane', cmd: ['npx', 'playwright', 'test'], env: REAL },
  {
    name: 'deploy',
    what: 'the chart (helm lint/template, manifests) and the image in-cluster on the real control plane',
    cmd: ['npx', 'vitest', 'run', 'tools/deploy'],
    env: REAL,
  },
  {
    name: 'deploy-e2e',
    what: 'Playwright against the chart installed on the real control plane, the image run in-cluster',
    cmd: ['npx', 'playwright', 'test', '-c', 'playwright.in-cluster.config.ts'],
  },
];

const { values } = parseArgs({ options: { only: { type: 'string' }, skip: { type: 'string' } }, strict: true });
const only = values.only?.split(',');
const skip = values.skip?.split(',') ?? [];
const unknown = [...(only ?? []), ...skip].filter((n) => !STAGES.some((s) => s.name === n));
if (unknown.length > 0) {
  console.error(`unknown stage(s): ${unknown.join(', ')}; stages: ${STAGES.map((s) => s.name).join(', ')}`);
  process.exit(2);
}

const times: Array<[string, number, string]> = [];
const report = () => {
  console.log('\nStage times:');
  for (const [name, s, result] of times) console.log(`  ${name.padEnd(12)} ${s.toFixed(1).padStart(7)} s  ${result}`);
};
const started = Date.now();
for (const stage of STAGES) {
  if ((only && !only.includes(stage.name)) || skip.includes(stage.name)) continue;
  console.log(`\n=== ${stage.name}: ${stage.what} ===`);
  const t0 = Date.now();
  const r = spawnSync(stage.cmd[0] as string, stage.cmd.slice(1), { cwd: root, stdio: 'inherit', env: { ...process.env, ...stage.env } });
  const s = (Date.now() - t0) / 1000;
  times.push([stage.name, s, r.status === 0 ? 'ok' : `failed (${r.status ?? r.signal})`]);
  if (r.status !== 0) {
    report();
    process.exit(r.status ?? 1);
  }
}
report();
console.log(`  ${'total'.padEnd(12)} ${((Date.now() - started) / 1000).toFixed(1).padStart(7)} s`);
