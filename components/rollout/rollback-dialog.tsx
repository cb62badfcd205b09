'use client';

import { useState } from 'react';
import { rollBack } from '@/app/sidecarsets/actions';
import { Button } from '@/components/ui/button';
import { ActionMessage, PreviewPanel } from './preview';
import type { ActionState, RolloutDialogContext } from './types';
import { usePreviewApply } from './use-rollout';
import { ClusterField } from './cluster-field';
import { useCluster } from '@/components/shell/cluster-scope';

/** Roll back: pick an earlier revision (and which containers), preview, confirm. */
export function RollbackForm({ ctx, onApplied }: { ctx: RolloutDialogContext; onApplied: (s: ActionState) => void }) {
  const cluster = useCluster();
  const current = new Map(ctx.containers.map((c) => [c.name, c.image]));
  const differs = (rev: RolloutDialogContext['revisions'][number]) =>
    rev.containers.filter((c) => current.has(c.name) && c.image !== '' && c.image !== current.get(c.name));
  const choices = ctx.revisions.filter((r) => differs(r).length > 0);
  const [revision, setRevision] = useState(choices[0]?.name ?? '');
  const chosen = choices.find((r) => r.name === revision);
  const changed = chosen ? differs(chosen).map((c) => c.name) : [];
  const [containers, setContainers] = useState<string[]>(changed);
  // Reset the container choice when another revision is picked.
  const [forRevision, setForRevision] = useState(revision);
  if (forRevision !== revision) {
    setForRevision(revision);
    setContainers(changed);
  }

  const values = { revision, containers };
  const { state, pending, onSubmit, canConfirm, previewStale } = usePreviewApply(rollBack, values, onApplied);
  const errors = state.fieldErrors ?? {};

  if (choices.length === 0) {
    return (
      <p className="text-sm">
        No earlier revision has different images: there is nothing to roll back to. Kruise keeps up to revisionHistoryLimit revisions in
        kruise-system.
      </p>
    );
  }
  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <ClusterField />
      <input type="hidden" name="name" value={ctx.seen.name} />
      <input type="hidden" name="seen" value={JSON.stringify(ctx.seen)} />
      <input type="hidden" name="revision" value={revision} />
      {containers.map((c) => (
        <input key={c} type="hidden" name="containers" value={c} />
      ))}
      <fieldset className="space-y-1">
        <legend className="text-sm font-medium">Revision to go back to</legend>
        {choices.map((r) => (
          <label key={r.name} className="flex items-start gap-2 text-sm">
            <input
              type="radio"
              name="revision-choice"
              className="mt-1"
              checked={revision === r.name}
              onChange={() => setRevision(r.name)}
            />
            <span>
              Revision {r.revision} <span className="font-mono text-xs">({r.name})</span>
              {r.pods > 0 && <span className="text-xs text-zinc-600 dark:text-zinc-400"> · {r.pods} pods run it</span>}
              <span className="block font-mono text-xs break-all text-zinc-700 dark:text-zinc-300">
                {differs(r)
                  .map((c) => `${c.name}: ${c.image}`)
                  .join(', ')}
              </span>
            </span>
          </label>
        ))}
        {errors.revision && <p className="text-xs text-red-700 dark:text-red-300">{errors.revision.join(' ')}</p>}
      </fieldset>
      {changed.length > 1 && (
        <fieldset className="space-y-1">
          <legend className="text-sm font-medium">Containers to roll back</legend>
          {changed.map((name) => (
            <label key={name} className="flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                checked={containers.includes(name)}
                onChange={(e) => setContainers(e.target.checked ? [...containers, name] : containers.filter((c) => c !== name))}
              />
              {name}: <span className="font-mono text-xs">{current.get(name)}</span> →{' '}
              <span className="font-mono text-xs">{chosen?.containers.find((c) => c.name === name)?.image}</span>
            </label>
          ))}
        </fieldset>
      )}
      <p className="text-xs text-zinc-600 dark:text-zinc-400">
        Only the images change. The rollout then reaches every pod (partition 0, no selector, not paused), maxUnavailable at a time.
      </p>
      <ActionMessage state={state} />
      {state.preview && <PreviewPanel preview={state.preview} noun="The roll back" />}
      {previewStale && (
        <p className="text-xs text-amber-900 dark:text-amber-200">
          You changed the form after the preview: preview again before rolling back.
        </p>
      )}
      <div className="flex flex-wrap justify-end gap-2">
        <Button type="submit" name="intent" value="preview" disabled={pending || containers.length === 0}>
          {pending ? 'Working…' : 'Preview'}
        </Button>
        <Button type="submit" name="intent" value="apply" variant="destructive" disabled={!canConfirm || containers.length === 0}>
          Roll back now in {cluster.name}
        </Button>
      </div>
    </form>
  );
}
