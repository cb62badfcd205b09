import { WorkloadSkeleton } from '@/components/shell/page-skeletons';

export default function Loading() {
  return <WorkloadSkeleton />;
}
