import type { ReactNode } from 'react';
import { SignedOutShell } from '@/components/shell/app-shell';

export default function SignInLayout({ children }: { children: ReactNode }) {
  return <SignedOutShell>{children}</SignedOutShell>;
}
