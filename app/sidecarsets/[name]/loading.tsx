import { SidecarSetSkeleton } from '@/components/fleet/page-skeletons';

export default function Loading() {
  return <SidecarSetSkeleton />;
}
