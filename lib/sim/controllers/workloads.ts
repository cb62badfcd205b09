import type { SimController, Store } from '../types';

export class WorkloadController implements SimController {
  name = 'workloads';
  start(_store: Store): void {}
  stop(): void {}
}
