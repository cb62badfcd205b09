import type { IconName, Tone } from '@/components/ui/status-pill';
import { StatusPill } from '@/components/ui/status-pill';
import type { HealthClass, RolloutReasonCode, RolloutStateKind } from '@/lib/fleet/views';

interface StatusLook {
  tone: Tone;
  icon: IconName;
  label: string;
}

export const healthLook: Record<HealthClass, StatusLook> = {
  healthy: { tone: 'success', icon: 'check', label: 'Healthy' },
  progressing: { tone: 'progress', icon: 'progress', label: 'Progressing' },
  failing: { tone: 'danger', icon: 'x', label: 'Failing' },
  completed: { tone: 'muted', icon: 'dot', label: 'Completed' },
  unknown: { tone: 'neutral', icon: 'help', label: 'Unknown' },
};

export const rolloutLook: Record<RolloutStateKind, StatusLook> = {
  complete: { tone: 'success', icon: 'check', label: 'Complete' },
  progressing: { tone: 'progress', icon: 'progress', label: 'Progressing' },
  paused: { tone: 'paused', icon: 'pause', label: 'Paused' },
  stuck: { tone: 'danger', icon: 'alert', label: 'Stuck' },
  'not-updating': { tone: 'neutral', icon: 'minus', label: 'Not updating' },
};

/** Which reasons are problems (shown first, in warning colours) rather than plain facts. */
export const reasonSeverity: Record<RolloutReasonCode, 'problem' | 'hold' | 'fact'> = {
  Complete: 'fact',
  Progressing: 'fact',
  Paused: 'hold',
  NotUpdate: 'hold',
  PartitionHolding: 'hold',
  BudgetExhausted: 'problem',
  SelectorMatchesNone: 'problem',
  FailingImage: 'problem',
  NotUpgradable: 'problem',
  NoMatchedPods: 'hold',
  WaitingForController: 'fact',
  SelectorHolding: 'hold',
  InFlight: 'fact',
  NeverInjected: 'hold',
};

/** Order in which rollout states need a person's attention. */
export const stateRank: Record<RolloutStateKind, number> = {
  stuck: 0,
  paused: 1,
  progressing: 2,
  'not-updating': 3,
  complete: 4,
};

export function HealthPill({ health, label }: { health: HealthClass; label?: string }) {
  const look = healthLook[health] ?? healthLook.unknown;
  return <StatusPill tone={look.tone} icon={look.icon} label={label ?? look.label} />;
}

export function RolloutPill({ kind }: { kind: RolloutStateKind }) {
  const look = rolloutLook[kind] ?? rolloutLook['not-updating'];
  return <StatusPill tone={look.tone} icon={look.icon} label={look.label} />;
}

/** kubectl STATUS text (Running, ImagePullBackOff, ...) with its health colour and icon. */
export function PodStatusPill({ status, health }: { status: string; health: HealthClass }) {
  const look = healthLook[health] ?? healthLook.unknown;
  return <StatusPill tone={look.tone} icon={look.icon} label={status} title={look.label} />;
}
