'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useActionState, useEffect, useRef, useState } from 'react';
import { pauseAllRollouts } from '@/app/sidecarsets/actions';
import { Button } from '@/components/ui/button';
import type { SidecarSetSummary } from '@/lib/fleet/views';
import { Modal } from '@/components/ui/modal';
import { ActionMessage } from './preview';
import type { PauseAllState } from './types';
import { useFleetRolloutAccess } from './use-rollout';

/** A rollout that pausing would stop: rolling, not paused, some matched pod not updated yet. */
export function inProgress(s: SidecarSetSummary): boolean {
  return s.strategy.type !== 'NotUpdate' && !s.strategy.paused && s.updatedPods < s.matchedPods;
}

/** "Pause every rollout in progress", with a confirmation that lists them: for a bad day. */
export function PauseAllRollouts({ sidecarSets }: { sidecarSets: SidecarSetSummary[] }) {
  const access = useFleetRolloutAccess();
  const [open, setOpen] = useState(false);
  const [state, formAction, pending] = useActionState(pauseAllRollouts, { ok: false, message: '' } as PauseAllState);
  const queryClient = useQueryClient();
  const handled = useRef<number | undefined>(undefined);
  useEffect(() => {
    if (state.at === undefined || state.at === handled.current) return;
    handled.current = state.at;
    if (state.applied) void queryClient.invalidateQueries();
  }, [state, queryClient]);

  const running = sidecarSets.filter(inProgress);
  const reason = !access.data ? 'Checking whether you may act…' : access.data.canPatch ? undefined : access.data.reason;
  return (
    <div className="flex flex-col items-end gap-1">
      <Button
        variant="destructive"
        onClick={() => setOpen(true)}
        disabled={reason !== undefined || running.length === 0}
        title={reason ?? (running.length === 0 ? 'No rollout is in progress.' : undefined)}
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
      >
        <form action={formAction} className="space-y-3">
          <input type="hidden" name="confirm" value="pause-all" />
          {running.length === 0 ? (
            <p className="text-sm">No rollout is in progress right now.</p>
          ) : (
            <ul className="list-disc space-y-0.5 pl-5 text-sm" aria-label="Rollouts in progress">
              {running.map((s) => (
                <li key={s.name}>
                  <span className="font-mono">{s.name}</span>: {s.updatedPods} of {s.matchedPods} pods updated
                </li>
              ))}
            </ul>
          )}
          <ActionMessage state={state} />
          {state.failed && state.failed.length > 0 && (
            <ul className="list-disc pl-5 text-xs text-red-800 dark:text-red-300">
              {state.failed.map((f) => (
                <li key={f.name}>
                  {f.name}: {f.message}
                </li>
              ))}
            </ul>
          )}
          <div className="flex justify-end gap-2">
            <Button onClick={() => setOpen(false)}>{state.applied ? 'Close' : 'Cancel'}</Button>
            <Button type="submit" variant="destructive" disabled={pending || running.length === 0}>
              {pending ? 'Pausing…' : `Pause ${running.length} rollout${running.length === 1 ? '' : 's'}`}
            </Button>
          </div>
        </form>
      </Modal>
    </div>
  );
}
