/**
 * Imported first by playwright.in-cluster.config.ts, before anything reads the environment: the specs
 * (and their workers) then target the in-cluster dashboards on the real control plane.
 */
process.env.SIDECAR_FLEET_TEST_CLUSTER = 'real';
process.env.SIDECAR_FLEET_E2E_TARGET = 'in-cluster';
