import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * SIDECAR_FLEET_TEST_CLUSTER=real runs the tests that can run on any cluster against the real
 * control plane (tools/real-cluster), one file at a time (each starts its own control plane, and
 * the machine has two cores). Every other test needs the built-in cluster's in-process parts
 * (faults, its store, its kubectl surface) or no cluster, and runs by default.
 */
const real = process.env.SIDECAR_FLEET_TEST_CLUSTER === 'real';

const ON_ANY_CLUSTER = [
  // The Kruise scenarios: on the real control plane, compared with the built-in cluster's run.
  'lib/sim/kruise/scenarios-*.test.ts',
  'lib/sim/kruise/crd-schema.test.ts',
  // The dashboard's rollout writes, conflicts and access reviews, and the rollout guard.
  'lib/k8s/rollout.test.ts',
  'lib/k8s/guard.test.ts',
  // A person's change built at once: rests on the API server moving generation for spec changes only.
  'lib/k8s/model-priority.test.ts',
  // Tokens, impersonation and what each user may list, as the real API server's RBAC decides.
  'lib/k8s/auth/auth.test.ts',
  // The real control plane's own tests, and tools/deploy: the chart applied to it and the container
  // image run in-cluster (these need a current `next build`; `npm test` runs them after its build stage).
  'tools/**/*.test.ts',
];

export default defineConfig({
  resolve: {
    alias: {
      '@/': fileURLToPath(new URL('./', import.meta.url)),
      // 'server-only' throws outside a React server bundle; tests import lib/k8s directly.
      'server-only': fileURLToPath(new URL('./lib/test-support/empty.ts', import.meta.url)),
    },
  },
  test: {
    include: real ? ON_ANY_CLUSTER : ['lib/**/*.test.ts', 'components/**/*.test.ts', 'app/**/*.test.ts', 'scripts/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: real ? 300_000 : 60_000,
    pool: 'forks',
    fileParallelism: !real,
  },
});
