import type { ReactNode } from 'react';
import { AppShell } from '@/components/shell/app-shell';

/** Pages about every cluster at once: the header without a current cluster. */
export default function AcrossLayout({ children }: { children: ReactNode }) {
  return <AppShell>{children}</AppShell>;
}
