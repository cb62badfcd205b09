import 'server-only';
import { randomBytes } from 'node:crypto';

/**
 * How people reach the dashboard and as whom it acts, from the environment (`npm start -- --auth
 * MODE --host ADDRESS` sets the same variables):
 *
 * - `local` (default): loopback only; everyone who can reach the port acts as the kubeconfig
 *   identity, as with `kubectl proxy`.
 * - `token`: a sign-in page takes a bearer token; each person then acts as themselves.
 * - `proxy`: behind an authenticating proxy that forwards the user's bearer token, or identity
 *   headers made trustworthy by a shared secret (turned into impersonation).
 */
export type AuthMode = 'local' | 'token' | 'proxy';

export interface AuthSettings {
  mode: AuthMode;
  /** Host header values (host[:port]) the server answers; anything else is refused (DNS rebinding). */
  allowedHosts: string[];
  /** Encryption key of the session cookie (token mode). */
  sessionSecret: string;
  /** The secret was generated at start: sessions end when the process does. */
  sessionSecretGenerated: boolean;
  /** A session ends after this long without a request … */
  idleTimeoutMs: number;
  /** … and this long after sign-in in any case. */
  absoluteTimeoutMs: number;
  /** Proxy mode: identity headers count only with this secret in `proxySecretHeader`. */
  proxySecret?: string;
  proxyUserHeader: string;
  proxyGroupsHeader: string;
  proxySecretHeader: string;
}

export const AUTH_MODES: readonly AuthMode[] = ['local', 'token', 'proxy'];

const MINUTE = 60_000;

function positive(v: string | undefined, fallback: number): number {
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

export function parseAuthSettings(env: Record<string, string | undefined>): AuthSettings {
  const raw = (env.SIDECAR_FLEET_AUTH ?? 'local').trim();
  if (!(AUTH_MODES as readonly string[]).includes(raw)) {
    throw new Error(`SIDECAR_FLEET_AUTH must be one of ${AUTH_MODES.join(', ')}, not "${raw}"`);
  }
  const mode = raw as AuthMode;
  const port = env.PORT ?? '3000';
  const allowedHosts = (env.SIDECAR_FLEET_ALLOWED_HOSTS ?? `localhost:${port},127.0.0.1:${port},[::1]:${port}`)
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  const given = env.SIDECAR_FLEET_SESSION_SECRET ?? '';
  if (mode === 'token' && given !== '' && given.length < 32) {
    throw new Error('SIDECAR_FLEET_SESSION_SECRET must be at least 32 characters');
  }
  const proxySecret = env.SIDECAR_FLEET_PROXY_SECRET?.trim() || undefined;
  if (proxySecret !== undefined && proxySecret.length < 16) throw new Error('SIDECAR_FLEET_PROXY_SECRET must be at least 16 characters');
  return {
    mode,
    allowedHosts,
    sessionSecret: given || randomBytes(32).toString('base64url'),
    sessionSecretGenerated: given === '',
    idleTimeoutMs: positive(env.SIDECAR_FLEET_SESSION_IDLE_MINUTES, 30) * MINUTE,
    absoluteTimeoutMs: positive(env.SIDECAR_FLEET_SESSION_MAX_HOURS, 8) * 60 * MINUTE,
    proxySecret,
    proxyUserHeader: (env.SIDECAR_FLEET_PROXY_USER_HEADER ?? 'x-forwarded-user').toLowerCase(),
    proxyGroupsHeader: (env.SIDECAR_FLEET_PROXY_GROUPS_HEADER ?? 'x-forwarded-groups').toLowerCase(),
    proxySecretHeader: (env.SIDECAR_FLEET_PROXY_SECRET_HEADER ?? 'x-sidecar-fleet-proxy-secret').toLowerCase(),
  };
}

const KEY = Symbol.for('sidecar-fleet.auth-settings');
type Holder = { [KEY]?: AuthSettings };

/** The process's settings, read once (a generated session secret must stay the same). */
export function authSettings(): AuthSettings {
  const g = globalThis as Holder;
  g[KEY] ??= parseAuthSettings(process.env);
  return g[KEY];
}
