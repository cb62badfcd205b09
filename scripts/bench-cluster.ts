/**
 * One built-in cluster in a process of its own, for `npm run bench` with several clusters: a
 * single process hosting a million pods spends its time in garbage collection, and would measure
 * itself rather than the dashboard. Writes the cluster's kubeconfig to the path given, prints
 * `ready <ms>`, and stops on SIGTERM.
 *
 *   tsx scripts/bench-cluster.ts <name> <pods> <kubeconfig-out>
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startCluster } from '../lib/sim/index';

async function main(): Promise<void> {
  const [name, pods, out] = process.argv.slice(2);
  if (!name || !pods || !out) throw new Error('usage: bench-cluster.ts <name> <pods> <kubeconfig-out>');
  const t0 = performance.now();
  const sim = await startCluster({ port: 0, fleet: `scale:${pods}`, kubeconfigPath: false, clusterName: name, contextPrefix: name });
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, sim.kubeconfig);
  console.log(`ready ${Math.round(performance.now() - t0)}`);
  const stop = () => void sim.stop().finally(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
