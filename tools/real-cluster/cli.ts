/**
 * `npm run real-cluster -- [--fleet empty|demo|scale:N] [--dir DIR] [--kubeconfig PATH] [--nodes N]
 *   [--kubelet-delay-ms N] [--no-kruise] [--build-only]`
 *
 * Builds (once per machine) and starts the real control plane on loopback, prints its URL and
 * kubeconfig path, and runs until SIGINT/SIGTERM, when it stops every process it started.
 */
import { parseArgs } from 'node:util';
import { ensureBinaries, startRealCluster } from './index';

const HELP = `Usage: npm run real-cluster -- [options]

  --fleet F              empty | demo | scale:N (default empty; scale:N is the benchmark's fleet, 30 pods per node)
  --dir DIR              working directory: certificates, etcd data, logs (default .real-cluster)
  --kubeconfig PATH      where to write the kubeconfig (default <dir>/kubeconfig)
  --context-prefix P     context names P-admin, P-viewer, P-editor, P-restricted (default real)
  --nodes N              fake nodes (default 3; 8 for the demo)
  --kubelet-delay-ms N   typical delay of one kubelet step in KWOK's stages (default 400)
  --no-kruise            a cluster without OpenKruise
  --build-only           build (or find) the upstream binaries and exit
`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      fleet: { type: 'string', default: 'empty' },
      dir: { type: 'string' },
      kubeconfig: { type: 'string' },
      'context-prefix': { type: 'string' },
      nodes: { type: 'string' },
      'kubelet-delay-ms': { type: 'string' },
      'no-kruise': { type: 'boolean', default: false },
      'build-only': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const log = (line: string) => console.log(line);
  if (values['build-only']) {
    console.log(ensureBinaries(log));
    return;
  }
  if (values.fleet !== 'empty' && values.fleet !== 'demo' && !/^scale:\d+$/.test(values.fleet)) {
    console.error(`--fleet must be empty, demo or scale:N, not "${values.fleet}"`);
    process.exit(2);
  }
  // Ctrl-C while it starts (a scale fleet loads for minutes) stops what was started, rather than
  // leaving an API server and its controllers running behind us.
  const starting = new AbortController();
  const abortStart = () => {
    console.log('Stopping the real control plane…');
    starting.abort();
  };
  process.once('SIGINT', abortStart);
  process.once('SIGTERM', abortStart);
  const cluster = await startRealCluster({
    fleet: values.fleet,
    dir: values.dir,
    kubeconfigPath: values.kubeconfig,
    contextPrefix: values['context-prefix'],
    nodes: values.nodes ? Number(values.nodes) : undefined,
    kubeletDelayMs: values['kubelet-delay-ms'] ? Number(values['kubelet-delay-ms']) : undefined,
    kruise: !values['no-kruise'],
    log,
    signal: starting.signal,
  }).catch((e: unknown) => {
    if (!starting.signal.aborted) throw e;
    console.log('Stopped before the control plane was ready.');
    process.exit(130);
  });
  process.off('SIGINT', abortStart);
  process.off('SIGTERM', abortStart);
  console.log(`Real control plane: ${cluster.url}`);
  console.log(`Kubeconfig: ${cluster.kubeconfigPath}`);
  console.log(`  kubectl --kubeconfig ${cluster.kubeconfigPath} get sidecarsets,pods -A`);
  console.log(
    `  kubectl --kubeconfig ${cluster.kubeconfigPath} --context ${cluster.contextPrefix}-viewer auth can-i patch sidecarsets.apps.kruise.io`,
  );
  console.log(`Logs: ${cluster.dir}/logs. Ctrl-C stops every process.`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('Stopping the real control plane…');
    await cluster.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
