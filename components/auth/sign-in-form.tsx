'use client';

import { useActionState } from 'react';
import { type SignInState, signIn } from '@/app/sign-in/actions';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/form-field';

/** A password field labelled "Token" and a "Sign in" button; the answer is read out. */
export function SignInForm({ next, notice }: { next: string; notice?: string }) {
  const [state, action, pending] = useActionState<SignInState, FormData>(signIn, { ok: false, at: 0 });
  const message = state.message ?? notice;
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="next" value={next} />
      <Field
        id="token"
        label="Token"
        help="A ServiceAccount token (kubectl create token NAME) or an OIDC id token your cluster trusts. It is kept in an encrypted, httpOnly cookie and never shown again."
      >
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          spellCheck={false}
          required
          aria-describedby="token-help sign-in-message"
          className="w-full rounded-md border border-zinc-300 bg-white px-2 py-1.5 font-mono text-sm dark:border-zinc-700 dark:bg-zinc-900"
        />
      </Field>
      <Button type="submit" variant="primary" disabled={pending}>
        {pending ? 'Signing in…' : 'Sign in'}
      </Button>
      <p
        id="sign-in-message"
        role="alert"
        aria-live="assertive"
        data-answered-at={state.at}
        className="min-h-5 text-sm text-red-800 dark:text-red-300"
      >
        {message}
      </p>
    </form>
  );
}
