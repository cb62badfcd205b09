'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, startTransition, useActionState, useEffect, useRef, useState } from 'react';
import { getFleetRolloutAccess, getRolloutPanel, loadRolloutDialog } from '@/app/sidecarsets/actions';
import { type ActionState, initialActionState } from './types';

/**
 * Access and guard state for one SidecarSet's buttons: asked again every few seconds and at once
 * when the rollout is paused or resumed (the guard's note comes with its pause).
 */
export function useRolloutPanel(name: string, paused: boolean) {
  return useQuery({
    queryKey: ['rollout-panel', name, paused],
    queryFn: () => getRolloutPanel(name),
    staleTime: 4_000,
    refetchInterval: 5_000,
    placeholderData: (prev) => prev,
  });
}

/** May the server's identity patch SidecarSets at all (overview rows and pause-all)? */
export function useFleetRolloutAccess() {
  return useQuery({ queryKey: ['rollout-access'], queryFn: () => getFleetRolloutAccess(), staleTime: 15_000, refetchInterval: 30_000 });
}

/**
 * What a dialog shows and guards its write with, loaded once per opening: the view stays as the
 * user saw it while the dialog is open, so a concurrent change surfaces as a conflict on confirm.
 */
export function useDialogContext(name: string, openedAt: number) {
  return useQuery({
    queryKey: ['rollout-dialog', name, openedAt],
    queryFn: () => loadRolloutDialog(name),
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: 0,
    enabled: openedAt > 0,
  });
}

/**
 * A preview-then-confirm form over one server action. The submit button says which
 * (`intent=preview|apply`). Confirm is only allowed for the exact values last previewed: any edit
 * makes the preview stale. Submits through startTransition rather than <form action>, so React
 * does not reset the form after a preview.
 */
export function usePreviewApply(
  action: (prev: ActionState, form: FormData) => Promise<ActionState>,
  values: Record<string, string | string[]>,
  onApplied: (state: ActionState) => void,
) {
  const [state, formAction, pending] = useActionState(action, initialActionState);
  const queryClient = useQueryClient();
  const key = JSON.stringify(values);
  const submitted = useRef<{ key: string; intent: string } | null>(null);
  const [previewedKey, setPreviewedKey] = useState<string | null>(null);
  const seenAt = useRef<number | undefined>(undefined);

  useEffect(() => {
    if (state.at === undefined || state.at === seenAt.current) return;
    seenAt.current = state.at;
    const sub = submitted.current;
    if (sub?.intent === 'preview') setPreviewedKey(state.ok && state.preview ? sub.key : null);
    if (state.applied) {
      void queryClient.invalidateQueries();
      onApplied(state);
    }
  }, [state, queryClient, onApplied]);

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const submitter = (e.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    const form = new FormData(e.currentTarget, submitter);
    submitted.current = { key, intent: String(form.get('intent') ?? 'preview') };
    startTransition(() => formAction(form));
  };

  const fresh = previewedKey === key && !!state.preview;
  return { state, pending, onSubmit, canConfirm: fresh && !pending, previewStale: !!state.preview && !fresh };
}
