import { WorkloadSkeleton } from '@/components/fleet/page-skeletons';

export default function Loading() {
  return <WorkloadSkeleton />;
}
