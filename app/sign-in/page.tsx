import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { connection } from 'next/server';
import { SignInForm } from '@/components/auth/sign-in-form';
import { authSettings } from '@/lib/k8s/auth/settings';

export const metadata: Metadata = { title: 'Sign in' };

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await connection();
  if (authSettings().mode !== 'token') redirect('/');
  const params = await searchParams;
  const next = typeof params.next === 'string' ? params.next : '/';
  const notice = params.expired === '1' ? 'Your session has expired: sign in again.' : undefined;
  return (
    <div className="mx-auto max-w-md space-y-4 py-10">
      <h1 className="text-xl font-semibold">Sign in to Sidecar Fleet</h1>
      <p className="text-sm text-zinc-700 dark:text-zinc-300">
        You act as yourself: what you see and may change is what the cluster&apos;s RBAC gives your token.
      </p>
      <SignInForm next={next} notice={notice} />
    </div>
  );
}
