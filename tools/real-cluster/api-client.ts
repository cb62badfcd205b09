/**
 * The launcher's own small client for the API server it starts: JSON over HTTPS with the cluster's
 * CA and the admin token. Plain objects in and out (no typed client), since the launcher applies
 * manifests of many kinds read from upstream files.
 */
import { request } from 'node:https';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
  ) {
    super(`${what}: HTTP ${status}: ${body.slice(0, 500)}`);
  }
}

/** An object as the API server sends it. */
export type Obj = Record<string, unknown> & { metadata?: { name?: string; namespace?: string; resourceVersion?: string } };
/** Anything with a name, to create or replace. */
type Named = { metadata?: { name?: string } };

export class ApiClient {
  constructor(
    readonly url: string,
    private readonly caPem: string,
    private readonly token: string,
  ) {}

  raw(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; body: string }> {
    const u = new URL(path, this.url);
    const data = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        u,
        {
          method,
          ca: this.caPem,
          headers: {
            Authorization: `Bearer ${this.token}`,
            Accept: 'application/json',
            ...(data ? { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(data) } : {}),
          },
          timeout: 30_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timed out`)));
      req.on('error', reject);
      if (data) req.write(data);
      req.end();
    });
  }

  private async json(method: string, path: string, body?: unknown, contentType?: string): Promise<Obj> {
    const r = await this.raw(method, path, body, contentType);
    if (r.status < 200 || r.status >= 300) throw new ApiError(r.status, r.body, `${method} ${path}`);
    return JSON.parse(r.body) as Obj;
  }

  get(path: string): Promise<Obj> {
    return this.json('GET', path);
  }

  create(collection: string, obj: unknown): Promise<Obj> {
    return this.json('POST', collection, obj);
  }

  replace(path: string, obj: unknown): Promise<Obj> {
    return this.json('PUT', path, obj);
  }

  mergePatch(path: string, patch: unknown): Promise<Obj> {
    return this.json('PATCH', path, patch, 'application/merge-patch+json');
  }

  async delete(path: string): Promise<void> {
    const r = await this.raw('DELETE', path);
    if (r.status !== 404 && (r.status < 200 || r.status >= 300)) throw new ApiError(r.status, r.body, `DELETE ${path}`);
  }

  /** Creates the object, or replaces it (keeping the server's resourceVersion) when it exists. */
  async apply<T extends Named>(collection: string, obj: T): Promise<Obj> {
    try {
      return await this.create(collection, obj);
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 409)) throw e;
    }
    const path = `${collection}/${obj.metadata?.name}`;
    const cur = await this.get(path);
    return this.replace(path, { ...obj, metadata: { ...obj.metadata, resourceVersion: cur.metadata?.resourceVersion } });
  }

  /** Creates the object unless one of that name exists (which is left as it is). */
  async createIfAbsent<T extends Named>(collection: string, obj: T): Promise<void> {
    try {
      await this.create(collection, obj);
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 409)) throw e;
    }
  }

  async ensureNamespace(name: string, labels: Record<string, string> = {}): Promise<void> {
    try {
      await this.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 409)) throw e;
      if (Object.keys(labels).length > 0) await this.mergePatch(`/api/v1/namespaces/${name}`, { metadata: { labels } });
    }
  }
}

/** Runs fn(0) … fn(count - 1) with at most `limit` in flight (creating thousands of objects). */
export async function inParallel(count: number, limit: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
}
