import 'server-only';
import { sealData, unsealData } from 'iron-session';
import type { AuthSettings } from './settings';

/**
 * The signed-in person, in an encrypted cookie (iron-session: AES-256-CBC + HMAC, keyed by the
 * session secret). The bearer token lives only there: httpOnly, SameSite=Strict, never in HTML,
 * JSON or logs.
 */
export const SESSION_COOKIE = 'sidecar_fleet_session';

export interface SessionData {
  user: string;
  groups: string[];
  token: string;
  /** Sign-in time (ms). */
  issuedAt: number;
  /** Last request (ms), refreshed at most once a minute. */
  lastSeen: number;
}

export type SessionState =
  | { state: 'none' }
  | { state: 'expired'; why: 'idle' | 'absolute' }
  | { state: 'valid'; session: SessionData; refresh: boolean };

export async function sealSession(data: SessionData, settings: AuthSettings): Promise<string> {
  return sealData(data, { password: settings.sessionSecret, ttl: Math.ceil(settings.absoluteTimeoutMs / 1000) + 60 });
}

export async function readSession(cookie: string | undefined, settings: AuthSettings, now = Date.now()): Promise<SessionState> {
  if (!cookie) return { state: 'none' };
  let data: Partial<SessionData>;
  try {
    data = await unsealData<Partial<SessionData>>(cookie, { password: settings.sessionSecret });
  } catch {
    return { state: 'none' };
  }
  if (
    typeof data.user !== 'string' ||
    typeof data.token !== 'string' ||
    typeof data.issuedAt !== 'number' ||
    typeof data.lastSeen !== 'number'
  ) {
    // Unsealing failed (another secret, tampering, or iron-session's own TTL): not signed in.
    return { state: 'none' };
  }
  if (now - data.issuedAt > settings.absoluteTimeoutMs) return { state: 'expired', why: 'absolute' };
  if (now - data.lastSeen > settings.idleTimeoutMs) return { state: 'expired', why: 'idle' };
  const session: SessionData = {
    user: data.user,
    groups: Array.isArray(data.groups) ? data.groups : [],
    token: data.token,
    issuedAt: data.issuedAt,
    lastSeen: data.lastSeen,
  };
  return { state: 'valid', session, refresh: now - session.lastSeen > 60_000 };
}

export function cookieOptions(settings: AuthSettings, secure: boolean) {
  return {
    httpOnly: true,
    sameSite: 'strict' as const,
    secure,
    path: '/',
    maxAge: Math.ceil(settings.absoluteTimeoutMs / 1000),
  };
}
