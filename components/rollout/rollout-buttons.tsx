'use client';

import { useCallback, useId, useState } from 'react';
import { useCluster } from '@/components/shell/cluster-scope';
import { Banner } from '@/components/ui/banner';
import { Button } from '@/components/ui/button';
import { formatClock } from '@/components/ui/format';
import { partitionReplicas } from '@/lib/fleet/kruise-pod';
import type { SidecarSetSummary } from '@/lib/fleet/views';
import { CanaryForm } from './canary-dialog';
import { Modal } from '@/components/ui/modal';
import { PauseAllRollouts } from './pause-all';
import { PauseResumeButton } from './pause-resume';
import { ActionMessage } from './preview';
import { PromoteForm } from './promote-dialog';
import { RollbackForm } from './rollback-dialog';
import type { ActionState, RolloutPanel } from './types';
import { useDialogContext, useFleetRolloutAccess, useRolloutPanel } from './use-rollout';

type DialogKind = 'canary' | 'promote' | 'rollback';

const DIALOG_TITLE: Record<DialogKind, string> = {
  canary: 'Canary upgrade',
  promote: 'Promote the rollout',
  rollback: 'Roll back to an earlier revision',
};

const DIALOG_DESCRIPTION: Record<DialogKind, string> = {
  canary: 'Change one sidecar image for part of the fleet. Preview shows the pods that will be updated before anything changes.',
  promote: 'Let the rollout reach more pods.',
  rollback: 'Put the images of an earlier revision back on every pod.',
};

/** The rollout buttons in the SidecarSet page header. */
export function SidecarSetActions({ sidecarSet }: { sidecarSet: SidecarSetSummary }) {
  const s = sidecarSet;
  const cluster = useCluster();
  const reasonId = useId();
  const panel = useRolloutPanel(s.name, s.strategy.paused);
  const [dialog, setDialog] = useState<DialogKind | null>(null);
  const [openedAt, setOpenedAt] = useState(0);
  const [done, setDone] = useState<ActionState | null>(null);

  const access = panel.data;
  const accessReason = !access ? 'Checking whether you may act…' : access.canPatch ? undefined : access.reason;
  const notUpdate = s.strategy.type === 'NotUpdate' ? 'updateStrategy.type is NotUpdate: Kruise never upgrades existing pods.' : undefined;
  const nothingToPromote =
    s.strategy.selector === undefined && partitionReplicas(s.strategy.partition, s.matchedPods) === 0
      ? 'Nothing to promote: the partition already lets the rollout reach every pod.'
      : undefined;

  const open = (kind: DialogKind) => {
    setDone(null);
    setOpenedAt(Date.now());
    setDialog(kind);
  };
  const onApplied = useCallback((state: ActionState) => {
    setDone(state);
    setDialog(null);
  }, []);

  const disabled = (extra?: string) => accessReason ?? notUpdate ?? extra;
  return (
    <div className="flex max-w-xl flex-col items-end gap-1.5">
      <div className="flex flex-wrap items-center justify-end gap-2">
        <ActionButton label="Canary upgrade" reason={disabled()} describedBy={reasonId} onClick={() => open('canary')} primary />
        <ActionButton label="Promote" reason={disabled(nothingToPromote)} describedBy={reasonId} onClick={() => open('promote')} />
        <PauseResumeButton sidecarSet={s} disabledReason={disabled()} describedBy={reasonId} />
        <ActionButton label="Roll back" reason={disabled()} describedBy={reasonId} onClick={() => open('rollback')} />
      </div>
      <p id={reasonId} className="max-w-md text-right text-xs text-zinc-600 dark:text-zinc-400">
        {access && accessReason ? `Read-only: ${accessReason}` : ''}
      </p>
      <GuardNote panel={access} />
      <div className="max-w-md text-right">{done && <ActionMessage state={done} />}</div>
      <Modal
        open={dialog !== null}
        onClose={() => setDialog(null)}
        title={dialog ? DIALOG_TITLE[dialog] : ''}
        description={dialog ? DIALOG_DESCRIPTION[dialog] : undefined}
        cluster={cluster}
        wide
      >
        {dialog && <DialogBody kind={dialog} name={s.name} openedAt={openedAt} onApplied={onApplied} />}
      </Modal>
    </div>
  );
}

function ActionButton({
  label,
  reason,
  describedBy,
  onClick,
  primary = false,
}: {
  label: string;
  reason?: string;
  describedBy: string;
  onClick: () => void;
  primary?: boolean;
}) {
  return (
    <Button
      variant={primary ? 'primary' : 'secondary'}
      onClick={onClick}
      disabled={reason !== undefined}
      title={reason}
      aria-describedby={describedBy}
    >
      {label}
    </Button>
  );
}

function DialogBody({
  kind,
  name,
  openedAt,
  onApplied,
}: {
  kind: DialogKind;
  name: string;
  openedAt: number;
  onApplied: (s: ActionState) => void;
}) {
  const q = useDialogContext(name, openedAt);
  if (q.isPending)
    return (
      <p className="text-sm" aria-live="polite">
        Loading the SidecarSet…
      </p>
    );
  if (q.error || !q.data)
    return <p className="text-sm text-red-800 dark:text-red-300">Could not load the SidecarSet: {q.error?.message}</p>;
  const ctx = q.data;
  if (kind === 'canary') return <CanaryForm ctx={ctx} onApplied={onApplied} />;
  if (kind === 'promote') return <PromoteForm ctx={ctx} onApplied={onApplied} />;
  return <RollbackForm ctx={ctx} onApplied={onApplied} />;
}

/** Why the guard paused this rollout, or what it is watching. */
function GuardNote({ panel }: { panel: RolloutPanel | undefined }) {
  const g = panel?.guard;
  if (!g) return null;
  if (g.pausedNote) {
    return (
      <Banner tone="warning" title="Paused by the rollout guard" className="max-w-md text-left">
        <span>
          At {formatClock(g.pausedNote.at)}: {g.pausedNote.message} Fix or roll back the image, then resume.
        </span>
      </Banner>
    );
  }
  if (g.error) return <p className="max-w-md text-right text-xs text-amber-900 dark:text-amber-200">Rollout guard: {g.error}</p>;
  if (!g.settings) return null;
  const st = g.settings;
  return (
    <p className="max-w-md text-right text-xs text-zinc-600 dark:text-zinc-400">
      Rollout guard {st.enabled ? 'on' : 'off'}
      {st.enabled &&
        ` (pauses beyond ${JSON.stringify(st.maxFailedPods)} failing updated pods; not ready > ${st.notReadySeconds}s counts as failing)`}
      {g.status ? `: ${g.status}` : '.'}
    </p>
  );
}

/**
 * Why the overview's rows may not pause or resume (undefined: they may). Asked once by the table
 * for all its rows: a query per row was 50 observers on every server render of the overview.
 */
export function useRowActionsBlocked(): string | undefined {
  const access = useFleetRolloutAccess();
  return !access.data ? 'Checking whether you may act…' : access.data.canPatch ? undefined : access.data.reason;
}

/** Pause/Resume in each overview row; `blocked` from useRowActionsBlocked. */
export function SidecarSetRowActions({ sidecarSet, blocked }: { sidecarSet: SidecarSetSummary; blocked: string | undefined }) {
  const notUpdate = sidecarSet.strategy.type === 'NotUpdate' ? 'NotUpdate: nothing to pause.' : undefined;
  return <PauseResumeButton sidecarSet={sidecarSet} disabledReason={blocked ?? notUpdate} size="sm" />;
}

/** The overview's fleet-wide action. */
export function FleetActions({ sidecarSets }: { sidecarSets: SidecarSetSummary[] }) {
  return <PauseAllRollouts sidecarSets={sidecarSets} />;
}
