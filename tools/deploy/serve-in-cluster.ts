/**
 * The browser tests' in-cluster dashboard (playwright.in-cluster.config.ts), installed with helm as
 * the README says (token sign-in, the default values), on the real control plane with the demo
 * fleet, and run as two pods of its Deployment: the image, in-cluster, with a token the API server
 * issued to its ServiceAccount, on --port and --port + 1. Writes the cluster's kubeconfig (admin) to
 * --kubeconfig-out for kubectl in the specs. Runs until SIGTERM/SIGINT, then stops the pods
 * (gracefully) and the cluster.
 *
 *   npx tsx tools/deploy/serve-in-cluster.ts --port 3700 --kubeconfig-out .real-cluster/e2e-3700/kubeconfig
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startRealCluster } from '@/tools/real-cluster/index';
import { type ImageServer, layoutImage } from './image';
import { helmInstall, runDir, startInClusterServer } from './install';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string' }, 'kubeconfig-out': { type: 'string' } }, strict: true });
  const port = Number(values.port);
  if (!port || !values['kubeconfig-out']) throw new Error('usage: serve-in-cluster --port N --kubeconfig-out PATH');
  const log = (line: string) => console.log(line);
  const dir = runDir(`e2e-in-cluster-${port}`);
  const app = layoutImage(path.join(dir, 'image'));
  const cluster = await startRealCluster({
    dir: path.join(path.dirname(path.resolve(values['kubeconfig-out'])), 'cluster'),
    kubeconfigPath: path.resolve(values['kubeconfig-out']),
    fleet: 'demo',
    log,
  });
  const servers: ImageServer[] = [];
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await Promise.all(servers.map((s) => s.stop('SIGTERM')));
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
    process.exit(code);
  };
  process.on('SIGTERM', () => void stop(0));
  process.on('SIGINT', () => void stop(0));
  try {
    const kubeconfig = cluster.kubeconfigPath as string;
    const installed = helmInstall(kubeconfig, {
      release: 'sidecar-fleet',
      namespace: 'sidecar-fleet',
      set: [`allowedHosts={localhost:${port},localhost:${port + 1}}`],
    });
    // The second replica first: Playwright waits for the first one's /readyz.
    for (const [p, name] of [
      [port + 1, 'replica-2'],
      [port, 'replica-1'],
    ] as const) {
      servers.push(await startInClusterServer({ kubeconfig, installed, apiServer: cluster.url, port: p, dir, app, name }));
    }
    log(`in-cluster dashboard: http://localhost:${port} and http://localhost:${port + 1} (two pods); logs in ${dir} until they stop`);
  } catch (e) {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    await stop(1);
  }
}

void main();
