import Link from 'next/link';
import { ToneIcon } from '@/components/ui/status-pill';
import type { AttentionItem } from '@/lib/fleet/views';
import { sidecarSetHref, workloadHref } from '@/components/workloads/links';
import { memo } from 'react';
import { useCluster } from '@/components/shell/cluster-scope';
import { SafeText } from '@/components/ui/safe-text';

const look = {
  critical: { icon: 'x', tone: 'danger', label: 'Critical' },
  warning: { icon: 'alert', tone: 'warning', label: 'Warning' },
  info: { icon: 'dot', tone: 'progress', label: 'Info' },
} as const;

const rank = { critical: 0, warning: 1, info: 2 };

/** What needs a person first: critical before warnings before notes. */
export const AttentionList = memo(function AttentionList({ items }: { items: AttentionItem[] }) {
  const cluster = useCluster().id;
  if (items.length === 0) {
    return (
      <p className="flex items-center gap-1.5 text-sm text-zinc-700 dark:text-zinc-300">
        <ToneIcon icon="check" tone="success" />
        Nothing needs attention: every rollout is complete or on hold by choice.
      </p>
    );
  }
  const sorted = [...items].sort((a, b) => rank[a.severity] - rank[b.severity]);
  return (
    <ul className="divide-y divide-zinc-100 rounded-lg border border-zinc-200 bg-white dark:divide-zinc-800 dark:border-zinc-800 dark:bg-zinc-900">
      {sorted.map((item, i) => {
        const l = look[item.severity];
        return (
          <li key={i} className="flex items-start gap-2 px-3 py-1.5">
            <ToneIcon icon={l.icon} tone={l.tone} className="mt-0.5" />
            <span className="sr-only">{l.label}:</span>
            <span className="min-w-0 flex-1">
              {item.sidecarSet && (
                <Link prefetch={false} href={sidecarSetHref(cluster, item.sidecarSet)} className="mr-1.5 font-medium">
                  {item.sidecarSet}
                </Link>
              )}
              {item.workload && (
                <Link prefetch={false} href={workloadHref(cluster, item.workload)} className="mr-1.5 font-medium">
                  {item.workload.namespace}/{item.workload.name}
                </Link>
              )}
              <span className="text-zinc-700 dark:text-zinc-300">
                <SafeText text={item.message} />
              </span>
            </span>
          </li>
        );
      })}
    </ul>
  );
});
