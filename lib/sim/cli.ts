/**
 * `npm run sim -- --port P --fleet F [--state FILE] [--kubeconfig PATH] [--kubelet-delay-ms N]
 *   [--latency-ms N] [--error-rate F] [--error-code 500|503] [--drop-watches-every S]
 *   [--force-410] [--outage-seconds S] [--history N] [--nodes N]`
 *
 * Starts just the built-in cluster, prints its URL and kubeconfig path, runs until SIGINT/SIGTERM
 * (saving --state on the way out).
 */
import { parseArgs } from 'node:util';
import type { FaultsRequest } from './apiserver/faults';
import { startCluster } from './index';

const HELP = `Usage: npm run sim -- [options]

  --port N                 port on 127.0.0.1 (default 6443; 0 picks a free one)
  --fleet F                empty | demo | demo-prod | scale:N (default demo)
  --state FILE             restore from FILE at start, save to it on shutdown
  --kubeconfig PATH        where to write the kubeconfig (default .sim/kubeconfig)
  --context-prefix P       context and user names P-admin, P-viewer… (default sim)
  --cluster-name N         the kubeconfig's cluster entry name (default sidecar-fleet-sim)
  --kubelet-delay-ms N     typical kubelet step delay (default 400)
  --nodes N                number of simulated nodes
  --history N              watch history length in events (default 20000)
  --bookmark-interval-ms N BOOKMARK interval for watches (default 5000)
Faults (also settable at run time: POST /sim/faults, admin only):
  --latency-ms N           add N ms to every request
  --error-rate F           answer a fraction F (0..1) of requests with an error
  --error-code C           500 or 503 (default 503)
  --drop-watches-every S   close every open watch every S seconds
  --force-410              the next watch gets 410 Expired
  --outage-seconds S       every request fails (connection reset) for S seconds from start
`;

function num(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) {
    console.error(`--${name} must be a number`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      fleet: { type: 'string' },
      state: { type: 'string' },
      kubeconfig: { type: 'string' },
      'context-prefix': { type: 'string' },
      'cluster-name': { type: 'string' },
      'kubelet-delay-ms': { type: 'string' },
      nodes: { type: 'string' },
      history: { type: 'string' },
      'bookmark-interval-ms': { type: 'string' },
      'latency-ms': { type: 'string' },
      'error-rate': { type: 'string' },
      'error-code': { type: 'string' },
      'drop-watches-every': { type: 'string' },
      'force-410': { type: 'boolean' },
      'outage-seconds': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const faults: FaultsRequest = {};
  const latency = num(values['latency-ms'], 'latency-ms');
  if (latency !== undefined) faults.latencyMs = latency;
  const rate = num(values['error-rate'], 'error-rate');
  if (rate !== undefined) faults.errorRate = rate;
  const code = num(values['error-code'], 'error-code');
  if (code !== undefined) faults.errorCode = code === 500 ? 500 : 503;
  const drop = num(values['drop-watches-every'], 'drop-watches-every');
  if (drop !== undefined) faults.dropWatchesEverySeconds = drop;
  if (values['force-410']) faults.force410NextWatch = true;
  const outage = num(values['outage-seconds'], 'outage-seconds');
  if (outage !== undefined) faults.outageUntil = new Date(Date.now() + outage * 1000).toISOString();

  const cluster = await startCluster({
    port: num(values.port, 'port') ?? 6443,
    fleet: values.fleet ?? 'demo',
    statePath: values.state,
    kubeconfigPath: values.kubeconfig,
    contextPrefix: values['context-prefix'],
    clusterName: values['cluster-name'],
    kubeletDelayMs: num(values['kubelet-delay-ms'], 'kubelet-delay-ms'),
    nodes: num(values.nodes, 'nodes'),
    historySize: num(values.history, 'history'),
    bookmarkIntervalMs: num(values['bookmark-interval-ms'], 'bookmark-interval-ms'),
    faults,
    log: (line) => console.log(line),
  });
  console.log(`Sidecar Fleet built-in cluster: ${cluster.url}`);
  console.log(`kubeconfig: ${cluster.kubeconfigPath}`);
  console.log(`  kubectl --kubeconfig ${cluster.kubeconfigPath} get pods -A`);
  const prefix = cluster.contextPrefix;
  console.log(`  contexts: ${cluster.users.map((u) => `${prefix}-${u.name}`).join(', ')} (current: ${prefix}-admin)`);
  let stopping = false;
  const shutdown = async (sig: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[sim] ${sig}: shutting down`);
    await cluster.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
