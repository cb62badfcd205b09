import { Badge } from '@/components/ui/badge';
import { YesNo } from '@/components/workloads/sidecar-state';
import type { SidecarSetSummary } from '@/lib/fleet/views';

function Row({ term, children }: { term: string; children: React.ReactNode }) {
  return (
    <div className="grid grid-cols-[10rem_1fr] gap-2 py-1">
      <dt className="text-xs text-zinc-600 dark:text-zinc-400">{term}</dt>
      <dd className="min-w-0 break-words text-sm">{children}</dd>
    </div>
  );
}

/** Containers and images, selectors and update strategy of one SidecarSet. */
export function SpecPanel({ sidecarSet: s }: { sidecarSet: SidecarSetSummary }) {
  const st = s.strategy;
  return (
    <div className="grid gap-3 lg:grid-cols-2">
      <div className="rounded-lg border border-zinc-200 bg-white px-3 py-2 dark:border-zinc-800 dark:bg-zinc-900">
        <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-zinc-500">Containers</h3>
        <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {s.containers.map((c) => (
            <li key={`${c.init ? 'init' : 'c'}-${c.name}`} className="flex flex-wrap items-center gap-2 py-1">
              <span className="font-medium">{c.name}</span>
              {c.init && <Badge variant="outline">init</Badge>}
              {c.upgradeType === 'HotUpgrade' && <Badge variant="info">hot upgrade</Badge>}
              <Badge variant="mono" className="break-all whitespace-normal">
                {c.image}
              </Badge>
            </li>
          ))}
        </ul>
        <h3 className="mt-2 mb-1 text-xs font-semibold uppercase tracking-wide text-zinc-500">Selects</h3>
        <dl>
          <Row term="Pod selector">
            <code className="text-xs">{s.selector || '(every pod)'}</code>
          </Row>
          {s.namespaceSelector !== undefined && (
            <Row term="Namespaces">
              <code className="text-xs">{s.namespaceSelector || '(all)'}</code>
            </Row>
          )}
        </dl>
      </div>
      <div className="rounded-lg border border-zinc-200 bg-white px-3 py-2 dark:border-zinc-800 dark:bg-zinc-900">
        <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-zinc-500">Update strategy</h3>
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
            {st.selector ? <code className="text-xs">{st.selector}</code> : <span className="text-zinc-500">none</span>}
          </Row>
          <Row term="Injection paused">
            <YesNo value={st.injectionPaused} />
          </Row>
          {s.guard && (
            <Row term="Rollout guard">
              {s.guard.enabled
                ? `on: pause beyond ${s.guard.maxFailedPods} failing pods, not ready for ${s.guard.notReadySeconds}s`
                : 'off'}
            </Row>
          )}
          <Row term="Generation">
            <span className="tabular-nums">
              {s.generation}
              {s.observedGeneration !== undefined && s.observedGeneration !== s.generation
                ? ` (controller has seen ${s.observedGeneration})`
                : ''}
            </span>
          </Row>
        </dl>
      </div>
    </div>
  );
}
