import type { SimController, Store } from '../types';

export interface KubeletOptions {
  baseDelayMs: number;
}

export class KubeletController implements SimController {
  name = 'kubelet';
  constructor(readonly opts: KubeletOptions) {}
  start(_store: Store): void {}
  stop(): void {}
}
