import type { ReactNode } from 'react';
import { rolloutLook } from '@/components/status/status-pills';
import { cn } from '@/components/ui/cn';
import { type Tone, ToneIcon, toneText } from '@/components/ui/status-pill';
import type { FleetTotals, RolloutStateKind } from '@/lib/fleet/views';
import { memo } from 'react';

function Stat({ label, value, tone, hint }: { label: string; value: ReactNode; tone?: Tone; hint?: string }) {
  return (
    <div className="rounded-lg border border-zinc-200 bg-white px-3 py-2 dark:border-zinc-800 dark:bg-zinc-900">
      <dt className="text-xs text-zinc-600 dark:text-zinc-400" title={hint}>
        {label}
      </dt>
      <dd className={cn('text-xl font-semibold tabular-nums', tone && toneText[tone])}>{value}</dd>
    </div>
  );
}

const stateOrder: RolloutStateKind[] = ['stuck', 'paused', 'progressing', 'not-updating', 'complete'];

export const FleetTotalsView = memo(function FleetTotalsView({ totals }: { totals: FleetTotals }) {
  return (
    <div className="space-y-2">
      <dl className="grid grid-cols-2 gap-2 sm:grid-cols-3 lg:grid-cols-6">
        <Stat label="SidecarSets" value={totals.sidecarSets} />
        <Stat label="Pods" value={totals.pods} />
        <Stat label="Pods with sidecars" value={totals.injectedPods} />
        <Stat
          label="Outdated pods"
          value={totals.outdatedPods}
          tone={totals.outdatedPods > 0 ? 'warning' : undefined}
          hint="Pods whose sidecar is not at its SidecarSet's latest revision"
        />
        <Stat
          label="Not upgradable"
          value={totals.notUpgradablePods}
          tone={totals.notUpgradablePods > 0 ? 'warning' : undefined}
          hint="Pods that need to be recreated: the SidecarSet changed more than the image"
        />
        <Stat label="Failing pods" value={totals.failingPods} tone={totals.failingPods > 0 ? 'danger' : undefined} />
      </dl>
      <ul aria-label="SidecarSets by rollout state" className="flex flex-wrap gap-x-4 gap-y-1 text-xs">
        {stateOrder.map((k) => {
          const look = rolloutLook[k];
          return (
            <li key={k} className="flex items-center gap-1">
              <ToneIcon icon={look.icon} tone={look.tone} />
              <span className="font-semibold tabular-nums">{totals.byState[k] ?? 0}</span>
              <span className="text-zinc-600 dark:text-zinc-400">{look.label.toLowerCase()}</span>
            </li>
          );
        })}
      </ul>
    </div>
  );
});
