import { Badge } from '@/components/ui/badge';
import { YesNo } from '@/components/workloads/sidecar-state';
import type { SidecarSetSpecView, SidecarSetSummary } from '@/lib/fleet/views';
import { memo } from 'react';
import { SafeText } from '@/components/ui/safe-text';

function Row({ term, children }: { term: string; children: React.ReactNode }) {
  return (
    <div className="grid grid-cols-[9rem_1fr] gap-2 py-1">
      <dt className="text-xs text-zinc-600 dark:text-zinc-400">{term}</dt>
      <dd className="min-w-0 break-words text-sm">{children}</dd>
    </div>
  );
}

const card = 'rounded-lg border border-zinc-200 bg-white px-3 py-2 dark:border-zinc-800 dark:bg-zinc-900';
const cardTitle = 'mb-1 text-xs font-semibold uppercase tracking-wide text-zinc-600 dark:text-zinc-400';

/** Containers and images, selectors, injection and update strategy of one SidecarSet. */
export const SpecPanel = memo(function SpecPanel({ spec, summary }: { spec: SidecarSetSpecView; summary: SidecarSetSummary }) {
  const st = spec.strategy;
  return (
    <div className="grid items-start gap-3 lg:grid-cols-3">
      <div className={card}>
        <h3 className={cardTitle}>Containers and images</h3>
        <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {spec.containers.map((c) => (
            <li key={`${c.init ? 'init' : 'c'}-${c.name}`} className="py-1">
              <p className="flex flex-wrap items-center gap-1.5">
                <span className="font-medium">{c.name}</span>
                {c.init && <Badge variant="outline">init</Badge>}
                {c.upgradeType === 'HotUpgrade' && <Badge variant="info">hot upgrade</Badge>}
                {c.podInjectPolicy && <span className="text-[11px] text-zinc-600 dark:text-zinc-400">{c.podInjectPolicy}</span>}
              </p>
              <code className="block text-xs break-all text-zinc-800 dark:text-zinc-200">
                <SafeText text={c.image} max={500} />
              </code>
            </li>
          ))}
        </ul>
        {spec.customVersion && <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">Custom version: {spec.customVersion}</p>}
      </div>
      <div className={card}>
        <h3 className={cardTitle}>Selects and injects</h3>
        <dl className="divide-y divide-zinc-100 dark:divide-zinc-800">
          <Row term="Pod selector">
            <code className="text-xs">{spec.selector || '(every pod)'}</code>
          </Row>
          <Row term="Namespaces">
            <code className="text-xs">{spec.namespaceSelector ?? '(all)'}</code>
          </Row>
          <Row term="Injection paused">
            <YesNo value={spec.injection.paused} />
          </Row>
          {spec.injection.revision && <Row term="Injects revision">{spec.injection.revision}</Row>}
          {spec.injection.customVersion && <Row term="Injects version">{spec.injection.customVersion}</Row>}
          {spec.injection.policy && <Row term="Injection policy">{spec.injection.policy}</Row>}
          {spec.canaryOf && <Row term="Canary of">{spec.canaryOf}</Row>}
        </dl>
      </div>
      <div className={card}>
        <h3 className={cardTitle}>Update strategy</h3>
        <dl className="divide-y divide-zinc-100 dark:divide-zinc-800">
          <Row term="Type">{st.type}</Row>
          <Row term="Paused">
            <YesNo value={st.paused} />
          </Row>
          <Row term="Partition">
            <span className="tabular-nums">{String(st.partition)}</span>
          </Row>
          <Row term="Max unavailable">
            <span className="tabular-nums">{String(st.maxUnavailable)}</span>
          </Row>
          <Row term="Canary selector">
            {st.selector ? <code className="text-xs">{st.selector}</code> : <span className="text-zinc-600 dark:text-zinc-400">none</span>}
          </Row>
          {st.priority && <Row term="Priority">{st.priority}</Row>}
          {st.scatter && <Row term="Scatter">{st.scatter}</Row>}
          {summary.guard && (
            <Row term="Rollout guard">
              {summary.guard.enabled
                ? `on: pauses beyond ${summary.guard.maxFailedPods} failing pods (not ready for ${summary.guard.notReadySeconds} s)`
                : 'off'}
            </Row>
          )}
          <Row term="Generation">
            <span className="tabular-nums">
              {summary.generation}
              {summary.observedGeneration !== undefined && summary.observedGeneration !== summary.generation
                ? ` (controller has seen ${summary.observedGeneration})`
                : ''}
            </span>
          </Row>
        </dl>
      </div>
    </div>
  );
});
