import { signOut } from '@/app/sign-in/actions';

/** Ends the session: the cookie goes, and the next page asks for a token again. */
export function SignOutButton() {
  return (
    <form action={signOut}>
      <button type="submit" className="text-xs text-sky-700 underline-offset-2 hover:underline dark:text-sky-300">
        Sign out
      </button>
    </form>
  );
}
