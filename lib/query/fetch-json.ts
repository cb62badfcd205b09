/** An answer from one of the dashboard's JSON routes that was not 2xx. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly kind?: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** GET a JSON route of this dashboard; errors carry the route's `{ error: { kind, message } }`. */
export async function fetchJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { signal, cache: 'no-store', headers: { accept: 'application/json' } });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new HttpError(0, 'no answer from the dashboard server');
  }
  if (!res.ok) {
    let message = `HTTP ${res.status}`;
    let kind: string | undefined;
    try {
      const body = (await res.json()) as { error?: { kind?: string; message?: string } };
      if (body.error?.message) message = body.error.message;
      kind = body.error?.kind;
    } catch {
      // Not JSON (a proxy's error page): the status says enough.
    }
    throw new HttpError(res.status, message, kind);
  }
  return (await res.json()) as T;
}
