'use client';

import { useId, useState } from 'react';
import { promoteRollout } from '@/app/sidecarsets/actions';
import { Button } from '@/components/ui/button';
import { partitionReplicas } from '@/lib/fleet/kruise-pod';
import { formatSelector } from '@/lib/fleet/label-selector';
import { parseIntOrPercent } from '@/lib/fleet/int-or-percent';
import { describedBy, Field, narrowInputClass } from '@/components/ui/form-field';
import { ActionMessage, PreviewPanel } from './preview';
import type { ActionState, RolloutDialogContext } from './types';
import { usePreviewApply } from './use-rollout';
import { ClusterField } from './cluster-field';
import { ConfirmNameField } from './confirm-name-field';
import { useCluster } from '@/components/shell/cluster-scope';

type Step = '25' | '50' | '75' | 'all' | 'custom';

/** Promote: a bigger share of the fleet, or all of it (typing the name to confirm). */
export function PromoteForm({ ctx, onApplied }: { ctx: RolloutDialogContext; onApplied: (s: ActionState) => void }) {
  const id = useId();
  const cluster = useCluster();
  const name = ctx.seen.name;
  const matched = ctx.matched;
  const hasSelector = ctx.strategy.selector !== undefined;
  const keptNow = hasSelector ? matched : ctx.partitionKeeps;
  const stepKeeps = (pct: number) => partitionReplicas(`${100 - pct}%`, matched);
  const offered: Array<{ value: Step; label: string; disabled: boolean }> = [25, 50, 75].map((pct) => ({
    value: String(pct) as Step,
    label: `${pct}% of the fleet (partition "${100 - pct}%" keeps ${stepKeeps(pct)} of ${matched} pods on the old version)`,
    disabled: !hasSelector && stepKeeps(pct) >= keptNow,
  }));
  const firstOpen = offered.find((o) => !o.disabled)?.value ?? 'all';
  const [step, setStep] = useState<Step>(firstOpen);
  const [partition, setPartition] = useState('');
  const [confirmName, setConfirmName] = useState('');

  const wholeFleet =
    step === 'all' || (step === 'custom' && partition.trim() !== '' && partitionReplicas(parseIntOrPercent(partition), matched) === 0);
  const values = { step, partition, confirmName: wholeFleet ? confirmName : '' };
  const { state, pending, onSubmit, canConfirm, previewStale } = usePreviewApply(promoteRollout, values, onApplied);
  const errors = state.fieldErrors ?? {};
  const partitionErrors = [...(errors.partition ?? []), ...(errors.updateStrategy ?? [])];
  const nameOk = !wholeFleet || confirmName === name;

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <ClusterField />
      <input type="hidden" name="name" value={name} />
      <input type="hidden" name="seen" value={JSON.stringify(ctx.seen)} />
      <input type="hidden" name="step" value={step} />
      <p className="text-sm">
        Now:{' '}
        {hasSelector ? (
          <>
            only pods matching <code className="font-mono">{formatSelector(ctx.strategy.selector)}</code> are updated.
          </>
        ) : (
          <>
            partition <code className="font-mono">{JSON.stringify(ctx.strategy.partition)}</code> keeps {keptNow} of {matched} pods on the
            old version.
          </>
        )}
      </p>
      <fieldset className="space-y-1">
        <legend className="text-sm font-medium">Promote to</legend>
        {offered.map((o) => (
          <label key={o.value} className="flex items-start gap-2 text-sm">
            <input
              type="radio"
              name="step-choice"
              className="mt-1"
              checked={step === o.value}
              disabled={o.disabled}
              onChange={() => setStep(o.value)}
            />
            <span className={o.disabled ? 'text-zinc-600 dark:text-zinc-400' : undefined}>
              {o.label}
              {o.disabled && <span className="block text-xs">Not a promotion: it would keep as many pods back as now or more.</span>}
            </span>
          </label>
        ))}
        <label className="flex items-start gap-2 text-sm">
          <input type="radio" name="step-choice" className="mt-1" checked={step === 'all'} onChange={() => setStep('all')} />
          <span>
            The whole fleet
            <span className="block text-xs text-zinc-600 dark:text-zinc-400">
              partition 0{hasSelector ? ' and the selector removed' : ''}: every matched pod is updated, maxUnavailable at a time.
            </span>
          </span>
        </label>
        <label className="flex items-start gap-2 text-sm">
          <input type="radio" name="step-choice" className="mt-1" checked={step === 'custom'} onChange={() => setStep('custom')} />
          <span>A partition of my choice</span>
        </label>
      </fieldset>
      {step === 'custom' && (
        <Field
          id={`${id}-partition`}
          label="Partition"
          help='Pods kept on the old version: a number (e.g. 5) or a percent of matched pods (e.g. "20%").'
          errors={partitionErrors.length > 0 ? partitionErrors : undefined}
        >
          <input
            id={`${id}-partition`}
            name="partition"
            className={`${narrowInputClass} font-mono`}
            value={partition}
            onChange={(e) => setPartition(e.target.value)}
            autoComplete="off"
            aria-invalid={partitionErrors.length > 0 || undefined}
            aria-describedby={describedBy(`${id}-partition`, { help: true, errors: partitionErrors })}
          />
        </Field>
      )}
      {wholeFleet && (
        <ConfirmNameField
          id={id}
          label={
            <>
              Type <code className="font-mono">{name}</code> to roll out to the whole fleet
            </>
          }
          value={confirmName}
          onChange={setConfirmName}
          errors={errors.confirmName}
        />
      )}

      <ActionMessage state={state} />
      {state.preview && <PreviewPanel preview={state.preview} noun="After this promotion, the rollout" />}
      {previewStale && (
        <p className="text-xs text-amber-900 dark:text-amber-200">
          You changed the form after the preview: preview again before promoting.
        </p>
      )}
      <div className="flex flex-wrap justify-end gap-2">
        <Button type="submit" name="intent" value="preview" disabled={pending}>
          {pending ? 'Working…' : 'Preview'}
        </Button>
        <Button type="submit" name="intent" value="apply" variant="primary" disabled={!canConfirm || !nameOk}>
          Promote now in {cluster.name}
        </Button>
      </div>
    </form>
  );
}
