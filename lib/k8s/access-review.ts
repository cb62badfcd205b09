import 'server-only';
import { fail, ok, type Result } from './errors';
import { requestJson } from './http';
import type { FleetSession } from './fleet';
import { SIDECARSET_GROUP, SIDECARSET_PLURAL } from './sidecarset-api';

/**
 * SelfSubjectAccessReviews: may this session do that? The buttons ask before they enable, and
 * every write asks again (fresh) before it sends anything.
 */

export interface AccessCheck {
  verb: string;
  group: string;
  resource: string;
  namespace?: string;
  name?: string;
}

export interface AccessDecision {
  allowed: boolean;
  /** "patch sidecarsets.apps.kruise.io "mesh"" — what was asked, for messages. */
  what: string;
  /** The authorizer's reason, or a sentence saying what is missing. */
  reason: string;
}

function describeCheck(c: AccessCheck): string {
  const res = c.group ? `${c.resource}.${c.group}` : c.resource;
  return `${c.verb} ${res}${c.name ? ` "${c.name}"` : ''}${c.namespace ? ` in namespace ${c.namespace}` : c.group === SIDECARSET_GROUP ? '' : ' (all namespaces)'}`;
}

const ACCESS_TTL_MS = 15_000;
const ACCESS_KEY = Symbol.for('sidecar-fleet.access-reviews');
type AccessHolder = { [ACCESS_KEY]?: Map<string, { at: number; decision: Promise<Result<AccessDecision>> }> };

/**
 * A SelfSubjectAccessReview: may this session do that? Answers are kept for 15 s per session and
 * question, so rendering a page with five buttons asks once, and a revoked permission shows soon.
 */
export function reviewAccess(session: FleetSession, check: AccessCheck, fresh = false): Promise<Result<AccessDecision>> {
  const g = globalThis as AccessHolder;
  g[ACCESS_KEY] ??= new Map();
  const key = `${session.client.key}|${session.identity.user}|${JSON.stringify(check)}`;
  const hit = g[ACCESS_KEY].get(key);
  if (!fresh && hit && Date.now() - hit.at < ACCESS_TTL_MS) return hit.decision;
  const decision = (async (): Promise<Result<AccessDecision>> => {
    const what = describeCheck(check);
    // Raw JSON over the session's transport: its token, or the impersonation headers of proxy mode.
    const r = await requestJson<{ status?: { allowed?: boolean; denied?: boolean; reason?: string } }>(session.client, {
      method: 'POST',
      path: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: {
          resourceAttributes: {
            verb: check.verb,
            group: check.group,
            resource: check.resource,
            ...(check.namespace ? { namespace: check.namespace } : {}),
            ...(check.name ? { name: check.name } : {}),
          },
        },
      },
      timeoutMs: 10_000,
    });
    if (!r.ok) {
      g[ACCESS_KEY]?.delete(key);
      return fail(r.error);
    }
    const st = r.value.status;
    const allowed = st?.allowed === true && st?.denied !== true;
    const reason = allowed ? 'allowed' : `${session.identity.user} may not ${what}${st?.reason ? ` (${st.reason})` : ''}`;
    return ok({ allowed, what, reason });
  })();
  g[ACCESS_KEY].set(key, { at: Date.now(), decision });
  return decision;
}

export interface RolloutAccess {
  /** May patch this SidecarSet (every rollout action needs it). */
  canPatch: boolean;
  /** Why not, when not: shown next to the disabled buttons. */
  reason?: string;
}

/** What the rollout buttons need to know: may this session patch the SidecarSet? */
export async function rolloutAccess(session: FleetSession, sidecarSet?: string): Promise<RolloutAccess> {
  const r = await reviewAccess(session, { verb: 'patch', group: SIDECARSET_GROUP, resource: SIDECARSET_PLURAL, name: sidecarSet });
  if (!r.ok) return { canPatch: false, reason: `Could not ask the cluster whether you may act: ${r.error.message}` };
  return r.value.allowed ? { canPatch: true } : { canPatch: false, reason: r.value.reason };
}
