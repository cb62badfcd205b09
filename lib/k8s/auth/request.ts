import 'server-only';
import { timingSafeEqual } from 'node:crypto';
import { cookies, headers } from 'next/headers';
import { defaultClusterClient } from '../clusters';
import { clientImpersonating, clientWithToken, type FleetClient } from '../config';
import type { K8sError } from '../errors';
import type { FleetSession } from '../fleet';
import { readSession, SESSION_COOKIE } from './session';
import { type AuthSettings, authSettings } from './settings';
import { logger, setRequestUser } from '@/lib/log';
import { whoAmICached } from './whoami';

/**
 * Who is asking, for the request being served: the server itself (local mode), a signed-in person
 * (token mode: the session cookie), or whom an authenticating proxy vouches for (proxy mode: a
 * forwarded bearer token, or identity headers carrying the shared secret).
 */
export type RequestIdentity =
  | { kind: 'server' }
  | { kind: 'token'; user: string; groups: string[]; token: string; via: 'session' | 'proxy' }
  | { kind: 'impersonated'; user: string; groups: string[] }
  | { kind: 'none'; reason: 'signed-out' | 'expired' | 'rejected' | 'no-proxy-identity' };

type HeaderReader = { get(name: string): string | null };

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** One line per refusal, never the header values. */
function warnOnce(what: string): void {
  const g = globalThis as { __sfWarned?: Map<string, number> };
  g.__sfWarned ??= new Map();
  const last = g.__sfWarned.get(what) ?? 0;
  if (Date.now() - last < 60_000) return;
  g.__sfWarned.set(what, Date.now());
  logger('auth').warn(what);
}

export async function identityFrom(
  h: HeaderReader,
  cookie: string | undefined,
  settings: AuthSettings,
  base: () => FleetClient,
): Promise<RequestIdentity> {
  if (settings.mode === 'local') return { kind: 'server' };
  if (settings.mode === 'token') {
    const s = await readSession(cookie, settings);
    if (s.state === 'valid')
      return { kind: 'token', user: s.session.user, groups: s.session.groups, token: s.session.token, via: 'session' };
    return { kind: 'none', reason: s.state === 'expired' ? 'expired' : 'signed-out' };
  }
  const auth = h.get('authorization');
  const bearer = auth?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (bearer) {
    const who = await whoAmICached(base(), bearer);
    if (!who.ok) return { kind: 'none', reason: 'rejected' };
    return { kind: 'token', user: who.value.user, groups: who.value.groups, token: bearer, via: 'proxy' };
  }
  const user = h.get(settings.proxyUserHeader)?.trim();
  if (user) {
    const secret = h.get(settings.proxySecretHeader) ?? '';
    if (settings.proxySecret && sameSecret(secret, settings.proxySecret)) {
      const groups = (h.get(settings.proxyGroupsHeader) ?? '')
        .split(',')
        .map((g) => g.trim())
        .filter(Boolean);
      return { kind: 'impersonated', user, groups };
    }
    warnOnce(`proxy mode: ignored the ${settings.proxyUserHeader} header of a request without the shared secret`);
  }
  return { kind: 'none', reason: 'no-proxy-identity' };
}

/**
 * The identity of the request being served (route handlers, server components, server actions).
 * A token the proxy forwards is checked with the cluster the request is about (`base`).
 */
export async function requestIdentity(base: () => FleetClient = defaultClusterClient): Promise<RequestIdentity> {
  const settings = authSettings();
  if (settings.mode === 'local') return { kind: 'server' };
  const [h, c] = await Promise.all([headers(), cookies()]);
  const id = await identityFrom(h, c.get(SESSION_COOKIE)?.value, settings, base);
  // The request's log lines name the person from here on (lib/log.ts).
  if (id.kind === 'token' || id.kind === 'impersonated') setRequestUser(id.user);
  return id;
}

const UNAUTHORIZED: Record<Extract<RequestIdentity, { kind: 'none' }>['reason'], string> = {
  'signed-out': 'Sign in to use the dashboard.',
  expired: 'Your session has expired: sign in again.',
  rejected: 'The cluster did not accept the token the proxy sent.',
  'no-proxy-identity': 'The authenticating proxy sent no identity the dashboard trusts.',
};

export class NotSignedIn extends Error implements K8sError {
  override name = 'NotSignedIn';
  readonly kind = 'Unauthorized' as const;
  readonly code = 401;
  constructor(readonly reason: keyof typeof UNAUTHORIZED) {
    super(UNAUTHORIZED[reason]);
  }
}

const CLIENTS_KEY = Symbol.for('sidecar-fleet.user-clients');
type ClientHolder = { [CLIENTS_KEY]?: Map<string, { at: number; client: FleetClient }> };
const CLIENT_TTL_MS = 10 * 60_000;

/** Per-user clients are kept a while, so their connections are reused across requests. */
function keep(client: FleetClient): FleetClient {
  const g = globalThis as ClientHolder;
  g[CLIENTS_KEY] ??= new Map();
  const now = Date.now();
  const hit = g[CLIENTS_KEY].get(client.key);
  if (hit && now - hit.at < CLIENT_TTL_MS) return hit.client;
  if (g[CLIENTS_KEY].size > 2_000) g[CLIENTS_KEY].clear();
  g[CLIENTS_KEY].set(client.key, { at: now, client });
  return client;
}

/**
 * The session to act with in one cluster (`server`: the server's own session there) for an
 * identity: never the server's own unless in local mode.
 */
export function sessionForIdentity(id: RequestIdentity, server: FleetSession): FleetSession {
  const base = server.client;
  const on = server.cluster ? { cluster: server.cluster } : {};
  switch (id.kind) {
    case 'server':
      return server;
    case 'token': {
      const client = keep(clientWithToken(base, id.user, id.token));
      return { client, identity: client.identity, ...on };
    }
    case 'impersonated': {
      const client = keep(clientImpersonating(base, id.user, id.groups));
      return { client, identity: client.identity, ...on };
    }
    case 'none':
      throw new NotSignedIn(id.reason);
  }
}

/**
 * The session of the person behind the request being served, in the cluster of `server` (the
 * server's own session there); throws NotSignedIn (401) without one.
 */
export async function requestSession(server: FleetSession): Promise<FleetSession & { serverIdentity: boolean }> {
  const id = await requestIdentity(() => server.client);
  return { ...sessionForIdentity(id, server), serverIdentity: id.kind === 'server' };
}
