'use server';

import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { z } from 'zod';
import { cookieOptions, SESSION_COOKIE, sealSession } from '@/lib/k8s/auth/session';
import { authSettings } from '@/lib/k8s/auth/settings';
import { whoAmI } from '@/lib/k8s/auth/whoami';
import { defaultClusterClient } from '@/lib/k8s/clusters';
import { logger } from '@/lib/log';

export interface SignInState {
  ok: boolean;
  message?: string;
  at: number;
}

const TOKEN = z
  .string()
  .trim()
  .min(1, 'Paste a token.')
  .max(16_384, 'That is too long for a bearer token.')
  .regex(/^[A-Za-z0-9._~+/=-]+$/, 'A bearer token has no spaces or other characters than letters, digits and . _ ~ + / = -.');

/** Where to go after signing in: a path of this dashboard only (never another site). */
const NEXT_PATH = z
  .string()
  .max(2_000)
  .regex(/^\/(?![/\\])[^\s]*$/)
  .catch('/');

// Per client address and in all: a guessing run is slowed down long before it gets anywhere.
const perClient = new RateLimiterMemory({ points: 10, duration: 300 });
const overall = new RateLimiterMemory({ points: 200, duration: 60 });

async function clientAddress(): Promise<string> {
  const h = await headers();
  return (h.get('x-forwarded-for') ?? '').split(',')[0]?.trim() || h.get('x-real-ip') || 'direct';
}

const log = logger('auth');

export async function signIn(_prev: SignInState, form: FormData): Promise<SignInState> {
  const settings = authSettings();
  if (settings.mode !== 'token')
    return { ok: false, message: 'This dashboard does not take tokens: see how it is configured.', at: Date.now() };
  const who = await clientAddress();
  try {
    await Promise.all([perClient.consume(who), overall.consume('all')]);
  } catch {
    log.warn('sign-in rate limit reached');
    return { ok: false, message: 'Too many sign-in attempts: wait a few minutes and try again.', at: Date.now() };
  }
  const token = TOKEN.safeParse(form.get('token') ?? '');
  if (!token.success) return { ok: false, message: token.error.issues[0]?.message ?? 'Paste a token.', at: Date.now() };
  const answer = await whoAmI(defaultClusterClient(), token.data);
  if (!answer.ok) {
    if (answer.error.kind === 'Unauthorized') {
      return { ok: false, message: 'The cluster did not accept this token: it is wrong, expired or revoked.', at: Date.now() };
    }
    return { ok: false, message: `The cluster could not be asked who this token is: ${answer.error.message}`, at: Date.now() };
  }
  const now = Date.now();
  const sealed = await sealSession(
    { user: answer.value.user, groups: answer.value.groups, token: token.data, issuedAt: now, lastSeen: now },
    settings,
  );
  const h = await headers();
  const secure = h.get('x-forwarded-proto') === 'https' || process.env.SIDECAR_FLEET_SECURE_COOKIES === '1';
  (await cookies()).set(SESSION_COOKIE, sealed, cookieOptions(settings, secure));
  log.info({ user: answer.value.user }, 'signed in');
  redirect(NEXT_PATH.parse(form.get('next') ?? '/'));
}

export async function signOut(): Promise<void> {
  (await cookies()).delete(SESSION_COOKIE);
  redirect('/sign-in');
}
