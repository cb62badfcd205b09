import { z } from 'zod';

/** A SidecarSet name as the API accepts it: the actions and the rollout routes parse with it. */
export const SIDECARSET_NAME = z
  .string()
  .min(1, 'A SidecarSet name is required.')
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'Not a SidecarSet name.');
