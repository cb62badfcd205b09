/**
 * Kept-alive connections to API servers, for the door (`./http`) and for scripts that drive a
 * cluster through client-node's typed API (the bench's churn). Not server-only for that reason.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import {
  createConfiguration,
  type KubeConfig,
  type RequestContext,
  type SecurityAuthentication,
  ServerConfiguration,
} from '@kubernetes/client-node';

// An idle kept-alive socket is closed after this long: under kube-apiserver's 90 s idle timeout
// (k8s.io/apiserver/pkg/server/secure_serving.go) and common load balancers' 60 s. A server that
// announces a shorter `Keep-Alive: timeout=` is honoured by Node's agent.
const IDLE_SOCKET_MS = 30_000;

// The agent options that decide who we are to the server and whom we trust.
const IDENTITY = ['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername'] as const;

function identityOf(secure: boolean, options: Record<string, unknown>): string {
  const h = createHash('sha256').update(secure ? 'https' : 'http');
  const add = (v: unknown): void => {
    if (Array.isArray(v)) for (const x of v) add(x);
    else if (Buffer.isBuffer(v) || typeof v === 'string') h.update(v);
    else h.update(String(v));
    h.update('\u0000');
  };
  for (const k of IDENTITY) add(options[k]);
  return h.digest('hex');
}

// Bounded for long uptimes with rotating client certificates; a dropped agent's sockets close when idle.
const MAX_AGENTS = 64;
const agents = new Map<string, http.Agent>();

/**
 * client-node builds a new agent for every call, without keepAlive, so each list page, watch
 * and write paid a TCP and TLS handshake on both ends (300 of them for a 150,000-pod list).
 * Instead one kept-alive agent serves every client with the same TLS identity: the server's own,
 * each signed-in user's (a bearer token travels per request) and each impersonation, across the
 * TTL refreshes, as client-go shares a transport per TLS config (k8s.io/client-go/transport/cache.go).
 * A rotated certificate gets a new agent. Proxy agents are subclasses with their own options: used as given.
 */
export function keptAlive(fresh: http.Agent | undefined): http.Agent | undefined {
  const Kind = fresh?.constructor;
  if (!fresh || (Kind !== https.Agent && Kind !== http.Agent)) return fresh;
  const options = (fresh as https.Agent).options as Record<string, unknown>;
  const key = identityOf(Kind === https.Agent, options);
  let agent = agents.get(key);
  if (!agent) {
    const agentOptions = { ...options, keepAlive: true, timeout: IDLE_SOCKET_MS };
    agent = Kind === https.Agent ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
    if (agents.size >= MAX_AGENTS) agents.clear();
    agents.set(key, agent);
  }
  return agent;
}

/**
 * One of client-node's API classes (`CoreV1Api`…) on the kubeconfig's credentials, over the
 * kept-alive agent of its TLS identity instead of the new agent client-node makes per request.
 */
export function keptAliveApiClient<T>(kc: KubeConfig, Api: new (config: ReturnType<typeof createConfiguration>) => T): T {
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new Error('The kubeconfig names no current cluster');
  const auth: SecurityAuthentication = {
    getName: () => 'kubeconfig, kept alive',
    applySecurityAuthentication: async (context: RequestContext) => {
      await kc.applySecurityAuthentication(context);
      const agent = keptAlive(context.getAgent());
      if (agent) context.setAgent(agent);
    },
  };
  return new Api(createConfiguration({ baseServer: new ServerConfiguration(server, {}), authMethods: { default: auth } }));
}
