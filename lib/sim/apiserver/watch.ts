/**
 * Watch streams: replay from a resourceVersion (410 Expired when it is older than the kept
 * history), or the current state as synthetic ADDED events; then live events filtered by
 * namespace and selectors (an object leaving a selector is DELETED for that watcher, one entering
 * it ADDED); BOOKMARKs; timeoutSeconds; Table events for `kubectl get -w`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, type KObject, type StoreEvent } from '../types';
import { badRequest, expired, statusBody } from './errors';
import type { ResourceDef } from './resources';
import type { MemStore } from './store';
import { type IncludeObject, toTable } from './tables';

export interface WatchRequest {
  def: ResourceDef;
  apiVersion: string;
  version: string;
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  allowBookmarks: boolean;
  sendInitialEvents: boolean;
  timeoutSeconds?: number;
  /** Set when the client asked for Table events. */
  table?: IncludeObject;
  /** A fault: answer 410 at once ('http') or as the first event ('stream'). */
  forceExpired?: 'http' | 'stream';
}

const NEWLINE_CLOSE = Buffer.from('}\n');

interface OpenWatch {
  res: ServerResponse;
  close(): void;
  /** Ends the stream with an in-stream 410 ERROR event. */
  expire(message: string): void;
}

export class WatchHub {
  private open = new Set<OpenWatch>();

  constructor(
    private store: MemStore,
    private opts: { bookmarkIntervalMs: number },
  ) {}

  get count(): number {
    return this.open.size;
  }

  /** Cuts every open watch connection (the "drop watches" fault). */
  dropAll(): void {
    for (const w of [...this.open]) w.res.destroy();
  }

  /** Ends every open watch with an in-stream 410 ERROR. */
  expireAll(): void {
    for (const w of [...this.open])
      w.expire(`too old resource version: ${this.store.oldestResumableRv()} (${Number(this.store.resourceVersion()) + 1})`);
  }

  closeAll(): void {
    for (const w of [...this.open]) w.close();
  }

  start(req: IncomingMessage, res: ServerResponse, w: WatchRequest): void {
    const store = this.store;
    const match = store.matcher(w.def.id, { namespace: w.namespace, labelSelector: w.labelSelector, fieldSelector: w.fieldSelector });
    const rvParam = w.resourceVersion;
    if (w.forceExpired === 'http') {
      throw expired(`too old resource version: ${rvParam ?? '0'} (${store.resourceVersion()})`);
    }
    const storageApiVersion = w.def.group === '' ? w.def.storageVersion : `${w.def.group}/${w.def.storageVersion}`;
    const convert = w.apiVersion !== storageApiVersion;

    // Work out what to replay before the headers go out, so a 410 can still be an HTTP status.
    let replay: Array<{ type: string; object: KObject }> = [];
    const initial = rvParam === undefined || rvParam === '' || rvParam === '0' || w.sendInitialEvents;
    if (w.forceExpired === 'stream') {
      // Nothing to replay: the stream will carry only the 410.
    } else if (initial) {
      replay = store
        .list(w.def.id, {})
        .filter(match)
        .map((o) => ({ type: 'ADDED', object: o }));
    } else {
      const rv = Number(rvParam);
      if (!Number.isInteger(rv) || rv < 0) throw badRequest(`resourceVersion: Invalid value: "${rvParam}": must be a non-negative integer`);
      for (const h of store.eventsSince(rv, w.def.id)) {
        const t = transition(h.ev, match);
        if (t) replay.push(t);
      }
    }

    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    res.flushHeaders();
    req.socket.setNoDelay(true);

    let sentColumns = false;
    const write = (type: string, o: KObject): void => {
      const obj = convert ? store.convert(w.def.id, o, w.apiVersion) : o;
      if (w.table) {
        const t = toTable(w.def, w.version, [obj], { resourceVersion: obj.metadata.resourceVersion }, w.table, sentColumns);
        sentColumns = true;
        res.write(`{"type":"${type}","object":${JSON.stringify(t)}}\n`);
        return;
      }
      if (convert) {
        res.write(`{"type":"${type}","object":${JSON.stringify(obj)}}\n`);
        return;
      }
      res.write(Buffer.concat([Buffer.from(`{"type":"${type}","object":`), store.jsonBytes(obj), NEWLINE_CLOSE]));
    };
    const writeError = (e: ApiError): void => {
      res.write(`{"type":"ERROR","object":${JSON.stringify(statusBody(e))}}\n`);
    };
    const bookmark = (annotations?: Record<string, string>): void => {
      const kind = w.table ? 'Table' : w.def.kind;
      const apiVersion = w.table ? 'meta.k8s.io/v1' : w.apiVersion;
      const metadata: Record<string, unknown> = { resourceVersion: store.resourceVersion() };
      if (annotations) metadata.annotations = annotations;
      res.write(`{"type":"BOOKMARK","object":${JSON.stringify({ kind, apiVersion, metadata })}}\n`);
    };

    let closed = false;
    let unsubscribe = () => {};
    let bookmarkTimer: NodeJS.Timeout | undefined;
    let timeoutTimer: NodeJS.Timeout | undefined;
    const entry: OpenWatch = {
      res,
      close: () => {
        if (closed) return;
        closed = true;
        unsubscribe();
        if (bookmarkTimer) clearInterval(bookmarkTimer);
        if (timeoutTimer) clearTimeout(timeoutTimer);
        this.open.delete(entry);
        if (!res.writableEnded) res.end();
      },
      expire: (message: string) => {
        if (closed) return;
        writeError(expired(message));
        // End a moment later: a client that stops reading at end-of-stream (client-node's Watch
        // aborts on 'close') would otherwise drop the event that came in the same packet.
        const t = setTimeout(() => entry.close(), 50);
        t.unref();
      },
    };
    this.open.add(entry);
    res.on('close', () => entry.close());

    if (w.forceExpired === 'stream') {
      entry.expire(`too old resource version: ${rvParam ?? '0'} (${store.resourceVersion()})`);
      return;
    }

    for (const e of replay) write(e.type, e.object);
    if (w.sendInitialEvents && w.allowBookmarks) bookmark({ 'k8s.io/initial-events-end': 'true' });

    unsubscribe = store.subscribe((ev) => {
      if (closed || ev.resource !== w.def.id) return;
      const t = transition(ev, match);
      if (!t) return;
      try {
        write(t.type, t.object);
      } catch (e) {
        if (e instanceof ApiError) writeError(e);
        else entry.close();
      }
    });
    if (w.allowBookmarks) {
      bookmarkTimer = setInterval(() => bookmark(), this.opts.bookmarkIntervalMs);
      bookmarkTimer.unref();
    }
    if (w.timeoutSeconds !== undefined && w.timeoutSeconds > 0) {
      timeoutTimer = setTimeout(() => entry.close(), w.timeoutSeconds * 1000);
      timeoutTimer.unref();
    }
  }
}

/** What a watcher with this filter sees for a store event (objects moving across its selector). */
function transition(ev: StoreEvent, match: (o: KObject) => boolean): { type: string; object: KObject } | undefined {
  switch (ev.type) {
    case 'ADDED':
      return match(ev.object) ? { type: 'ADDED', object: ev.object } : undefined;
    case 'DELETED':
      return match(ev.old ?? ev.object) || match(ev.object) ? { type: 'DELETED', object: ev.object } : undefined;
    case 'MODIFIED': {
      const was = ev.old ? match(ev.old) : true;
      const is = match(ev.object);
      if (was && is) return { type: 'MODIFIED', object: ev.object };
      if (!was && is) return { type: 'ADDED', object: ev.object };
      if (was && !is) return { type: 'DELETED', object: ev.object };
      return undefined;
    }
  }
}
