'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, startTransition, useActionState, useEffect, useRef, useState } from 'react';
import { useCluster } from '@/components/shell/cluster-scope';
import { fleetRolloutAccessOptions, rolloutDialogOptions, rolloutPanelOptions } from '@/lib/query/options';
import { type ActionState, initialActionState } from './types';

/** Access and guard state for one SidecarSet's buttons (polled, see rolloutPanelOptions). */
export function useRolloutPanel(name: string, paused: boolean) {
  return useQuery(rolloutPanelOptions(useCluster().id, name, paused));
}

/** May the server's identity patch SidecarSets in this cluster at all (overview rows and pause-all)? */
export function useFleetRolloutAccess() {
  return useQuery(fleetRolloutAccessOptions(useCluster().id));
}

/** What a dialog shows and guards its write with, loaded once per opening. */
export function useDialogContext(name: string, openedAt: number) {
  return useQuery(rolloutDialogOptions(useCluster().id, name, openedAt));
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
