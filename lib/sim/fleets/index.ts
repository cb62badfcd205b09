import type { MemStore } from '../apiserver/store';
import type { KubeletController } from '../controllers/kubelet';

export interface SeedOptions {
  nodes?: number;
  kubelet: KubeletController;
  log: (line: string) => void;
}

export async function seedFleet(_store: MemStore, _fleet: string, _opts: SeedOptions): Promise<void> {}
