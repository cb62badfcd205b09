import { SidecarSetSkeleton } from '@/components/shell/page-skeletons';

export default function Loading() {
  return <SidecarSetSkeleton />;
}
