import Link from 'next/link';
import { WhyPanel } from '@/components/sidecarsets/why-panel';
import { podHref } from '@/components/workloads/links';
import type { RolloutExplanation } from '@/lib/fleet/views';
import { memo } from 'react';
import { useCluster } from '@/components/shell/cluster-scope';

function Fact({ label, value, hint }: { label: string; value: number; hint?: string }) {
  return (
    <div className="flex items-baseline justify-between gap-2 py-0.5" title={hint}>
      <dt className="text-xs text-zinc-600 dark:text-zinc-400">{label}</dt>
      <dd className="font-semibold tabular-nums">{value}</dd>
    </div>
  );
}

function PodLinks({ keys, more }: { keys: string[]; more: number }) {
  const cluster = useCluster().id;
  return (
    <ul className="mt-1 flex flex-wrap gap-x-3 gap-y-0.5 text-xs">
      {keys.map((key) => {
        const [ns = '', name = ''] = key.split('/');
        return (
          <li key={key}>
            <Link prefetch={false} href={podHref(cluster, ns, name)} className="font-mono">
              {key}
            </Link>
          </li>
        );
      })}
      {more > 0 && <li className="text-zinc-600 dark:text-zinc-400">and {more} more</li>}
    </ul>
  );
}

/** "Why is it not progressing": the reasons, the planner's numbers behind them, and who is next. */
export const Explanation = memo(function Explanation({ explanation: x }: { explanation: RolloutExplanation }) {
  return (
    <div className="grid gap-3 lg:grid-cols-[2fr_1fr]">
      <div className="space-y-2">
        <WhyPanel state={x.state} />
        <div className="rounded-lg border border-zinc-200 bg-white px-3 py-2 text-sm dark:border-zinc-800 dark:bg-zinc-900">
          <p className="font-medium">
            Next round: {x.nextRoundTotal === 0 ? 'no pod' : `${x.nextRoundTotal} pod${x.nextRoundTotal === 1 ? '' : 's'}`}
          </p>
          {x.nextRound.length > 0 && (
            <PodLinks keys={x.nextRound} more={x.nextRoundTotal - (x.nextRoundTie?.pick ?? 0) - x.nextRound.length} />
          )}
          {x.nextRoundTie && (
            <div className="mt-1 text-xs">
              <p>
                {x.nextRound.length > 0 ? 'And ' : ''}
                {x.nextRoundTie.pick} of these {x.nextRoundTie.total} pods: Kruise ranks them equally and chooses which.
              </p>
              <PodLinks keys={x.nextRoundTie.pods} more={x.nextRoundTie.total - x.nextRoundTie.pods.length} />
            </div>
          )}
        </div>
      </div>
      <dl className="rounded-lg border border-zinc-200 bg-white px-3 py-2 dark:border-zinc-800 dark:bg-zinc-900">
        <Fact label="Matched pods" value={x.matched} />
        <Fact label="Updated" value={x.updated} />
        <Fact label="Candidates to update" value={x.candidates} hint="Eligible pods not yet updated" />
        <Fact label="Kept by partition" value={x.partition} />
        <Fact label="Max unavailable" value={x.maxUnavailable} />
        <Fact label="Updated, unavailable" value={x.unavailable} hint="These use up maxUnavailable" />
        <Fact label="Upgrading now" value={x.inFlight} />
        <Fact label="Need recreate" value={x.notUpgradable} />
        <Fact label="Outside canary selector" value={x.selectorExcluded} />
      </dl>
    </div>
  );
});
