import { PodSkeleton } from '@/components/shell/page-skeletons';

export default function Loading() {
  return <PodSkeleton />;
}
