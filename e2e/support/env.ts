import path from 'node:path';

/** Ports and paths shared by playwright.config.ts and the specs. */
export const port = Number(process.env.E2E_PORT ?? 3100);
export const viewerPort = port + 1;
export const unreachablePort = port + 2;
export const restrictedPort = port + 3;
export const baseURL = `http://localhost:${port}`;
export const viewerBaseURL = `http://localhost:${viewerPort}`;
/** A fourth dashboard acting as sim-restricted: pods in namespace payments are forbidden to it. */
export const restrictedBaseURL = `http://localhost:${restrictedPort}`;
/** A third dashboard whose kubeconfig names a server that never answers. */
export const unreachableBaseURL = `http://localhost:${unreachablePort}`;
export const unreachableKubeconfig = path.resolve(__dirname, '../fixtures/unreachable-kubeconfig.yaml');
/**
 * Written by the admin dashboard's built-in cluster; kubectl in the specs uses it too. Keyed by
 * port, so two runs on different ports (several engineers share a checkout) never overwrite it.
 */
export const e2eKubeconfig = path.resolve(__dirname, `../../.sim/e2e-${port}/kubeconfig`);
