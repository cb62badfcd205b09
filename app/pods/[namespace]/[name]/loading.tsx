import { PodSkeleton } from '@/components/fleet/page-skeletons';

export default function Loading() {
  return <PodSkeleton />;
}
