'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useActionState, useEffect, useRef, useState } from 'react';
import { pauseAllRollouts } from '@/app/sidecarsets/actions';
import { useCluster } from '@/components/shell/cluster-scope';
import { Button } from '@/components/ui/button';
import { Modal } from '@/components/ui/modal';
import { summaryInProgress } from '@/lib/fleet/pause-all';
import type { SidecarSetSummary } from '@/lib/fleet/views';
import { acrossClustersOptions, clustersOptions } from '@/lib/query/options';
import { ClusterField } from './cluster-field';
import { ActionMessage } from './preview';
import type { PauseAllState } from './types';
import { useFleetRolloutAccess } from './use-rollout';

type Scope = 'cluster' | 'all';

/**
 * "Pause every rollout in progress", with a confirmation that lists them: for a bad day. It acts on
 * this page's cluster; every configured cluster only when chosen explicitly in the confirmation,
 * which then lists what is in progress in each of them.
 */
export function PauseAllRollouts({ sidecarSets }: { sidecarSets: SidecarSetSummary[] }) {
  const cluster = useCluster();
  const access = useFleetRolloutAccess();
  const [open, setOpen] = useState(false);
  const [scope, setScope] = useState<Scope>('cluster');
  const [state, formAction, pending] = useActionState(pauseAllRollouts, { ok: false, message: '' } as PauseAllState);
  const queryClient = useQueryClient();
  const handled = useRef<number | undefined>(undefined);
  useEffect(() => {
    if (state.at === undefined || state.at === handled.current) return;
    handled.current = state.at;
    if (state.applied) void queryClient.invalidateQueries();
  }, [state, queryClient]);

  const clusters = useQuery({ ...clustersOptions(), enabled: open });
  const others = (clusters.data?.clusters.length ?? 1) > 1;
  // What pausing would stop: rolling, not paused, some matched pod not updated yet.
  const running = sidecarSets.filter(summaryInProgress);
  const reason = !access.data ? 'Checking whether you may act…' : access.data.canPatch ? undefined : access.data.reason;
  const total = clusters.data?.clusters.length ?? 0;
  return (
    <div className="flex flex-col items-end gap-1">
      <Button
        variant="destructive"
        onClick={() => {
          setScope('cluster');
          setOpen(true);
        }}
        disabled={reason !== undefined || running.length === 0}
        title={reason ?? (running.length === 0 ? `No rollout is in progress in ${cluster.name}.` : undefined)}
      >
        Pause every rollout in progress
      </Button>
      {reason && access.data && <span className="max-w-80 text-right text-xs text-zinc-600 dark:text-zinc-400">{reason}</span>}
      {!open && state.message && <ActionMessage state={state} />}
      <Modal
        open={open}
        onClose={() => setOpen(false)}
        title="Pause every rollout in progress?"
        description="Kruise stops updating more pods for each of them. Pods already restarting finish; new pods still get the latest version."
        cluster={cluster}
      >
        <form action={formAction} className="space-y-3">
          <ClusterField />
          <input type="hidden" name="confirm" value="pause-all" />
          {others && (
            <fieldset className="space-y-1 text-sm">
              <legend className="font-medium">Where</legend>
              <label className="flex items-center gap-2">
                <input type="radio" name="scope" value="cluster" checked={scope === 'cluster'} onChange={() => setScope('cluster')} />
                Only in this cluster, {cluster.name}
              </label>
              <label className="flex items-center gap-2">
                <input type="radio" name="scope" value="all" checked={scope === 'all'} onChange={() => setScope('all')} />
                In every cluster ({total} clusters)
              </label>
            </fieldset>
          )}
          {!others && <input type="hidden" name="scope" value="cluster" />}
          {scope === 'cluster' ? (
            running.length === 0 ? (
              <p className="text-sm">No rollout is in progress in {cluster.name} right now.</p>
            ) : (
              <ul className="list-disc space-y-0.5 pl-5 text-sm" aria-label="Rollouts in progress">
                {running.map((s) => (
                  <li key={s.name}>
                    <span className="font-mono">{s.name}</span>: {s.updatedPods} of {s.matchedPods} pods updated
                  </li>
                ))}
              </ul>
            )
          ) : (
            <EveryCluster />
          )}
          <ActionMessage state={state} />
          <Outcomes state={state} />
          <div className="flex justify-end gap-2">
            <Button onClick={() => setOpen(false)}>{state.applied ? 'Close' : 'Cancel'}</Button>
            <Button type="submit" variant="destructive" disabled={pending || (scope === 'cluster' && running.length === 0)}>
              {pending
                ? 'Pausing…'
                : scope === 'cluster'
                  ? `Pause ${running.length} rollout${running.length === 1 ? '' : 's'} in ${cluster.name}`
                  : `Pause rollouts in all ${total} clusters`}
            </Button>
          </div>
        </form>
      </Modal>
    </div>
  );
}

/** What is in progress in each cluster, from the cross-cluster view, when the choice is every cluster. */
function EveryCluster() {
  const across = useQuery(acrossClustersOptions());
  if (across.isPending) {
    return (
      <p className="text-sm" aria-live="polite">
        Reading every cluster…
      </p>
    );
  }
  if (!across.data) return <p className="text-sm text-red-800 dark:text-red-300">Could not read the clusters: {across.error?.message}</p>;
  const view = across.data;
  return (
    <ul className="space-y-2 text-sm" aria-label="Rollouts in progress in every cluster">
      {view.clusters.map((c, i) => {
        const names = view.sidecarSets.filter((s) => {
          const cell = s.cells[i];
          return cell?.kind === 'present' && cell.inProgress;
        });
        return (
          <li key={c.id}>
            <span className="font-semibold">{c.name}</span>:{' '}
            {c.error ? (
              <span className="text-red-800 dark:text-red-300">cannot be read ({c.error.message}); it is tried anyway</span>
            ) : names.length === 0 ? (
              'nothing in progress'
            ) : (
              names.map((s) => s.name).join(', ')
            )}
          </li>
        );
      })}
    </ul>
  );
}

/** Each cluster's outcome, when more than one was acted on or something failed. */
function Outcomes({ state }: { state: PauseAllState }) {
  const list = state.clusters ?? [];
  const show = list.length > 1 || list.some((o) => o.failed.length > 0);
  if (!show) return null;
  return (
    <ul className="list-disc space-y-0.5 pl-5 text-xs" aria-label="Outcome per cluster">
      {list.map((o) => (
        <li key={o.cluster.id}>
          <span className="font-semibold">{o.cluster.name}</span>:{' '}
          {o.error ? (
            <span className="text-red-800 dark:text-red-300">{o.error}</span>
          ) : (
            <>
              {o.paused.length === 0 ? 'nothing was in progress' : `paused ${o.paused.join(', ')}`}
              {o.failed.map((f) => (
                <span key={f.name} className="block text-red-800 dark:text-red-300">
                  {f.name}: {f.message}
                </span>
              ))}
            </>
          )}
        </li>
      ))}
    </ul>
  );
}
