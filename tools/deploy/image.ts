/**
 * The container image without a container engine. CI has none, so it proves the image another way:
 * it lays out the same tree (scripts/image-layout.mjs, which the Dockerfile's build stage runs)
 * and starts it as the image's final stage says, read from the Dockerfile itself: its WORKDIR,
 * ENV, USER and CMD. And as a pod runs it: in a private mount namespace whose root filesystem is
 * read-only, with an empty tmpfs on /tmp (the chart's emptyDir), the service account mounted at
 * /var/run/secrets/kubernetes.io/serviceaccount, the Deployment's env, and the kubelet's
 * KUBERNETES_SERVICE_HOST/PORT. Only PORT differs: a pod has a network namespace of its own, these
 * servers share the machine's loopback.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const DOCKERFILE = path.join(ROOT, 'Dockerfile');

export interface ImageSpec {
  /** The final stage's base image (FROM). */
  from: string;
  workdir: string;
  env: Record<string, string>;
  /** "uid:gid" */
  user: string;
  cmd: string[];
  healthcheck?: string[];
  /** COPY instructions of the final stage: [from stage, source, destination]. */
  copies: Array<{ from?: string; src: string; dest: string }>;
  /** RUN instructions of the final stage (the shell commands). */
  runs: string[];
  /** The names of the stages, in order. */
  stages: string[];
  args: Record<string, string>;
}

/** Joins continuation lines and drops comments. */
function instructions(text: string): Array<{ op: string; rest: string }> {
  const out: Array<{ op: string; rest: string }> = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') && current === '') continue;
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    current += line;
    const full = current.trim();
    current = '';
    if (!full) continue;
    const m = /^(\w+)\s+(.*)$/s.exec(full);
    if (m) out.push({ op: (m[1] as string).toUpperCase(), rest: (m[2] as string).trim() });
  }
  return out;
}

/** ENV a=b c="d e" → pairs (the forms the Dockerfile uses). */
function envPairs(rest: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /(\w+)=("([^"]*)"|\S*)/g;
  for (let m = re.exec(rest); m; m = re.exec(rest)) out[m[1] as string] = m[3] ?? (m[2] as string);
  return out;
}

/** Reads the Dockerfile's final stage: what the image runs, and how. */
export function readImageSpec(file = DOCKERFILE): ImageSpec {
  const spec: ImageSpec = { from: '', workdir: '/', env: {}, user: '0:0', cmd: [], copies: [], runs: [], stages: [], args: {} };
  for (const { op, rest } of instructions(readFileSync(file, 'utf8'))) {
    switch (op) {
      case 'ARG': {
        const [k, v] = rest.split('=');
        if (k && v !== undefined) spec.args[k] = v;
        break;
      }
      case 'FROM': {
        // A new stage: the final one is what the image is.
        const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest);
        spec.from = (m?.[1] ?? rest).replace(/\$\{(\w+)\}/g, (_, k: string) => spec.args[k] ?? '');
        spec.stages.push(m?.[2] ?? String(spec.stages.length));
        Object.assign(spec, { workdir: '/', env: {}, user: '0:0', cmd: [], copies: [], runs: [], healthcheck: undefined });
        break;
      }
      case 'WORKDIR':
        spec.workdir = path.posix.resolve(spec.workdir, rest);
        break;
      case 'ENV':
        Object.assign(spec.env, envPairs(rest));
        break;
      case 'USER':
        spec.user = rest;
        break;
      case 'CMD':
        spec.cmd = JSON.parse(rest) as string[];
        break;
      case 'HEALTHCHECK': {
        const m = /CMD\s+(\[.*\])\s*$/s.exec(rest);
        if (m) spec.healthcheck = JSON.parse(m[1] as string) as string[];
        break;
      }
      case 'COPY': {
        const from = /--from=(\S+)/.exec(rest)?.[1];
        const parts = rest.split(/\s+/).filter((p) => !p.startsWith('--'));
        spec.copies.push({ from, src: parts[0] as string, dest: parts[parts.length - 1] as string });
        break;
      }
      case 'RUN':
        spec.runs.push(rest);
        break;
    }
  }
  return spec;
}

/** Where the image's tree is laid out for CI (outside /tmp, which the server's namespace replaces). */
export const LAYOUT_ROOT = path.join(ROOT, '.deploy-test');

/** Lays the image's /app out under `<dir>/app` with the image's own script; returns that path. */
export function layoutImage(dir: string): string {
  const buildId = path.join(ROOT, '.next', 'BUILD_ID');
  if (!existsSync(path.join(ROOT, '.next', 'standalone', 'server.js')) || !existsSync(buildId)) {
    throw new Error('No standalone build: run `npx next build` first (next.config.js has output: standalone).');
  }
  const out = execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'image-layout.mjs'), dir], { encoding: 'utf8' }).trim();
  return out.split('\n').pop() as string;
}

export interface PodEnv {
  /** The Deployment's container env, with secret references resolved. */
  container: Record<string, string>;
  /** The kubelet's view of the API server (KUBERNETES_SERVICE_HOST/PORT). */
  apiHost: string;
  apiPort: number;
  podName: string;
}

export interface ImageServer {
  url: string;
  port: number;
  pid: number;
  /** The server's stdout and stderr so far, line by line. */
  lines(): string[];
  /** Its JSON log lines (pino), parsed. */
  logs(): Array<Record<string, unknown>>;
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` (default SIGTERM) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface StartImageOptions {
  /** The laid-out /app (layoutImage). */
  app: string;
  /** A directory holding the service account's token, ca.crt and namespace. */
  serviceAccountDir: string;
  pod: PodEnv;
  port: number;
  logFile: string;
  spec?: ImageSpec;
}

/** Whether this machine lets us build the pod's filesystem view (a mount namespace, as root). */
export function canIsolate(): boolean {
  try {
    execFileSync('unshare', ['--mount', '--propagation', 'private', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * The pod's filesystem, built in a private mount namespace before the server starts: everything
 * read-only, a fresh tmpfs on /tmp, the service account at its usual path. Then the image's USER
 * and CMD with exactly the environment assembled below (env -i: nothing leaks in from the CI shell).
 */
const POD_SHELL = `set -eu
sa_src=$1; app=$2; user=$3; shift 3
mount -o remount,bind,ro /
app_mount=$(findmnt -n -o TARGET -T "$app")
[ "$app_mount" = / ] || mount -o remount,bind,ro "$app_mount"
mount -t tmpfs -o size=1m,mode=0755 tmpfs /run
mkdir -p /run/secrets/kubernetes.io/serviceaccount /run/app
mount --bind "$sa_src" /run/secrets/kubernetes.io/serviceaccount
mount -o remount,bind,ro /run/secrets/kubernetes.io/serviceaccount
# The laid-out image may sit under /tmp (a checkout there): reach it at /run/app, read-only,
# before /tmp becomes the pod's own empty tmpfs and hides it.
mount --bind "$app" /run/app
mount -o remount,bind,ro /run/app
mount -t tmpfs -o size=64m,mode=1777 tmpfs /tmp
cd /run/app
uid=\${user%%:*}; gid=\${user#*:}
exec setpriv --reuid="$uid" --regid="$gid" --clear-groups --no-new-privs env -i "$@"
`;

/** The environment a pod of this image gets: runtime, image ENV, kubelet, then the container's env. */
export function podEnvironment(spec: ImageSpec, pod: PodEnv, port: number): Record<string, string> {
  return {
    // What the runtime sets: the node image's PATH and the user's HOME, the pod's name as HOSTNAME.
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: '/home/node',
    HOSTNAME: pod.podName,
    ...spec.env,
    KUBERNETES_SERVICE_HOST: pod.apiHost,
    KUBERNETES_SERVICE_PORT: String(pod.apiPort),
    ...pod.container,
    PORT: String(port),
  };
}

export function startImage(opts: StartImageOptions): Promise<ImageServer> {
  const spec = opts.spec ?? readImageSpec();
  if (!canIsolate()) {
    throw new Error('Starting the image needs a private mount namespace (unshare --mount, as root) for its read-only root filesystem.');
  }
  const env = podEnvironment(spec, opts.pod, opts.port);
  const envArgs = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  mkdirSync(path.dirname(opts.logFile), { recursive: true });
  const log = createWriteStream(opts.logFile);
  const child: ChildProcess = spawn(
    'unshare',
    [
      '--mount',
      '--propagation',
      'private',
      '--',
      'sh',
      '-c',
      POD_SHELL,
      'pod',
      opts.serviceAccountDir,
      opts.app,
      spec.user,
      ...envArgs,
      ...spec.cmd,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const lines: string[] = [];
  let partial = '';
  const onData = (chunk: Buffer) => {
    log.write(chunk);
    partial += chunk.toString('utf8');
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      if (partial) lines.push(partial);
      log.end();
      resolve({ code, signal });
    }),
  );
  const url = `http://127.0.0.1:${opts.port}`;
  const server: ImageServer = {
    url,
    port: opts.port,
    pid: child.pid as number,
    lines: () => [...lines],
    logs: () =>
      lines.flatMap((l) => {
        if (!l.startsWith('{')) return [];
        try {
          return [JSON.parse(l) as Record<string, unknown>];
        } catch {
          return [];
        }
      }),
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  // Up when /healthz answers (the process listens); a process that died first fails at once.
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 60_000;
    const poll = async () => {
      if (child.exitCode !== null || child.signalCode !== null) {
        reject(new Error(`the image's server exited (${child.exitCode ?? child.signalCode}):\n${lines.slice(-30).join('\n')}`));
        return;
      }
      try {
        const r = await fetch(`${url}/healthz`);
        if (r.ok) return resolve(server);
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        reject(new Error(`the image's server did not answer /healthz within 60 s:\n${lines.slice(-30).join('\n')}`));
        return;
      }
      setTimeout(poll, 200);
    };
    void poll();
  });
}

/** Writes a service account's mount (token, ca.crt, namespace) as the kubelet projects it. */
export function writeServiceAccountMount(dir: string, sa: { token: string; caPem: string; namespace: string }): string {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  // The kubelet writes the token without a trailing newline; client-node sends the file as is.
  writeFileSync(path.join(dir, 'token'), sa.token.trim(), { mode: 0o644 });
  writeFileSync(path.join(dir, 'ca.crt'), sa.caPem, { mode: 0o644 });
  writeFileSync(path.join(dir, 'namespace'), sa.namespace, { mode: 0o644 });
  return dir;
}
