import 'server-only';
import { createHash } from 'node:crypto';
import { clientWithToken, type FleetClient } from '../config';
import { fail, ok, type Result } from '../errors';
import { requestJson } from '../http';

export interface WhoAmI {
  user: string;
  groups: string[];
}

/**
 * Who a bearer token is, asked of the cluster (SelfSubjectReview, authentication.k8s.io/v1, GA in
 * Kubernetes 1.28): a ServiceAccount token, an OIDC id token the API server trusts, any token it
 * accepts. A 401 means the token is bad or expired.
 */
export async function whoAmI(base: FleetClient, token: string): Promise<Result<WhoAmI>> {
  const client = clientWithToken(base, 'sign-in', token);
  const r = await requestJson<{ status?: { userInfo?: { username?: string; groups?: string[] } } }>(client, {
    method: 'POST',
    path: '/apis/authentication.k8s.io/v1/selfsubjectreviews',
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
    timeoutMs: 10_000,
  });
  if (!r.ok) return fail(r.error);
  const info = r.value.status?.userInfo;
  if (!info?.username) return fail({ kind: 'Unauthorized', code: 401, message: 'The cluster did not say who this token is.' });
  return ok({ user: info.username, groups: info.groups ?? [] });
}

const WHOAMI_TTL_MS = 60_000;
const KEY = Symbol.for('sidecar-fleet.whoami');
type Holder = { [KEY]?: Map<string, { at: number; answer: Promise<Result<WhoAmI>> }> };

/**
 * whoAmI, remembered for a minute per token (by its hash, never the token itself): a proxy sends
 * the token with every request, and the cluster need not be asked each time.
 */
export function whoAmICached(base: FleetClient, token: string): Promise<Result<WhoAmI>> {
  const g = globalThis as Holder;
  g[KEY] ??= new Map();
  const key = `${base.key}|${createHash('sha256').update(token).digest('hex')}`;
  const now = Date.now();
  const hit = g[KEY].get(key);
  if (hit && now - hit.at < WHOAMI_TTL_MS) return hit.answer;
  if (g[KEY].size > 10_000) g[KEY].clear();
  const answer = whoAmI(base, token).then((r) => {
    // Failures are not remembered: a token that starts working (clock skew, new binding) works at once.
    if (!r.ok) g[KEY]?.delete(key);
    return r;
  });
  g[KEY].set(key, { at: now, answer });
  return answer;
}
