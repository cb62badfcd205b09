/**
 * A signed-in person's session cookie for the dashboard in token mode, sealed with its session
 * secret as its sign-in page would (the tests hold the secret, as the cluster's operator does).
 * Test-only: it imports the server's own session code (server-only), which the Vitest config allows.
 */
import { SESSION_COOKIE, sealSession } from '@/lib/k8s/auth/session';
import { parseAuthSettings } from '@/lib/k8s/auth/settings';
import { containerEnv, type Installed } from './install';

export async function sessionCookie(sessionSecret: string, who: { user: string; token: string; groups?: string[] }): Promise<string> {
  const settings = parseAuthSettings({ SIDECAR_FLEET_AUTH: 'token', SIDECAR_FLEET_SESSION_SECRET: sessionSecret });
  const now = Date.now();
  const sealed = await sealSession({ user: who.user, groups: who.groups ?? [], token: who.token, issuedAt: now, lastSeen: now }, settings);
  return `${SESSION_COOKIE}=${sealed}`;
}

/** The session secret the chart's pods read (the Secret their env names). */
export function sessionSecretOf(kubeconfig: string, i: Installed): string {
  return containerEnv(kubeconfig, i, 'any').SIDECAR_FLEET_SESSION_SECRET as string;
}
