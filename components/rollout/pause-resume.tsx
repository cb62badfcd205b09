'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useActionState, useEffect, useRef } from 'react';
import { pauseRollout, resumeRollout } from '@/app/sidecarsets/actions';
import { Button } from '@/components/ui/button';
import type { SidecarSetSummary } from '@/lib/fleet/views';
import { type ActionState, initialActionState } from './types';
import { ClusterField } from './cluster-field';

/** One action state for both buttons, so the message survives the button flipping. */
function pauseOrResume(prev: ActionState, form: FormData): Promise<ActionState> {
  return form.get('op') === 'resume' ? resumeRollout(prev, form) : pauseRollout(prev, form);
}

/**
 * Pause rollout / Resume rollout, one click each. Pause carries no guard (it must always work);
 * resume sends what this page shows (the images and paused), so it never releases an image that
 * changed while the page was open.
 */
export function PauseResumeButton({
  sidecarSet,
  disabledReason,
  size = 'md',
  describedBy,
}: {
  sidecarSet: SidecarSetSummary;
  disabledReason?: string;
  size?: 'sm' | 'md';
  describedBy?: string;
}) {
  const paused = sidecarSet.strategy.paused;
  const [state, formAction, pending] = useActionState(pauseOrResume, initialActionState);
  const queryClient = useQueryClient();
  const handled = useRef<number | undefined>(undefined);
  useEffect(() => {
    if (state.at === undefined || state.at === handled.current) return;
    handled.current = state.at;
    if (state.applied) void queryClient.invalidateQueries();
  }, [state, queryClient]);

  const seen = {
    name: sidecarSet.name,
    resourceVersion: sidecarSet.resourceVersion,
    containers: sidecarSet.containers.filter((c) => !c.init).map((c) => ({ name: c.name, image: c.image })),
    updateStrategy: { paused },
  };
  const label = paused ? 'Resume rollout' : 'Pause rollout';
  return (
    <form action={formAction} className="inline-flex flex-col items-start gap-1">
      <ClusterField />
      <input type="hidden" name="name" value={sidecarSet.name} />
      <input type="hidden" name="op" value={paused ? 'resume' : 'pause'} />
      {paused && <input type="hidden" name="seen" value={JSON.stringify(seen)} />}
      <Button
        type="submit"
        size={size}
        variant={paused ? 'primary' : 'secondary'}
        disabled={pending || disabledReason !== undefined}
        title={disabledReason}
        aria-describedby={describedBy}
      >
        {label}
      </Button>
      <span aria-live="polite" className="max-w-64 text-xs">
        {state.message && (
          <span className={state.ok ? 'text-emerald-800 dark:text-emerald-300' : 'text-red-800 dark:text-red-300'}>
            {state.cluster && <span className="mr-1 font-semibold">In {state.cluster.name}:</span>}
            <span>{state.message}</span>
          </span>
        )}
        {state.warnings?.map((w) => (
          <span key={w} className="block text-amber-900 dark:text-amber-200">
            {w}
          </span>
        ))}
      </span>
    </form>
  );
}
