/*
 * Slots for the rollout actions of issue 5 (Canary upgrade, Promote, Pause rollout, Resume
 * rollout, Roll back), filled by components/rollout/slots.tsx. Both receive the SidecarSet as
 * last polled. They are rendered inside client components (the live views), so they are client-safe.
 */
export { FleetActions, SidecarSetActions, SidecarSetRowActions } from '@/components/rollout/slots';
