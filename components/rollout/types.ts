/**
 * What the rollout server actions return to the browser: plain JSON, small, never a raw object
 * from the cluster and never an ApiException.
 */
import type { PreviewPod, RolloutDialogContext, RolloutGuardInfo, RolloutPanel, RolloutPreview } from '@/lib/fleet/rollout-preview';
import type { ClusterRef } from '@/lib/fleet/views';

export type { PreviewPod, RolloutDialogContext, RolloutGuardInfo, RolloutPanel, RolloutPreview };

export interface ActionState {
  ok: boolean;
  /** The cluster the action acted on (or refused to act on): every answer names it. */
  cluster?: ClusterRef;
  /** One sentence for the aria-live region. Empty before the first submit. */
  message: string;
  fieldErrors?: Record<string, string[]>;
  /** Set by a preview (and echoed by a successful apply). */
  preview?: RolloutPreview;
  /** True when the change was applied (not just previewed). */
  applied?: boolean;
  /** Warnings that do not stop the action (latest tag, audit Event not written…). */
  warnings?: string[];
  /** Changes with every submit, so the dialog can tell a new answer from the last one. */
  at?: number;
}

export const initialActionState: ActionState = { ok: false, message: '' };

export interface PauseAllOutcome {
  cluster: ClusterRef;
  paused: string[];
  failed: Array<{ name: string; message: string }>;
  /** The whole cluster could not be acted on (forbidden, unreachable). */
  error?: string;
}

export interface PauseAllState extends ActionState {
  paused?: string[];
  failed?: Array<{ name: string; message: string }>;
  /** One outcome per cluster acted on (one, or every configured cluster). */
  clusters?: PauseAllOutcome[];
}
