import { AsyncLocalStorage } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import type { FleetPulse } from '@/lib/fleet/views';
import { type LiveView, liveEvents } from './live-events';

/** The view at a pulse: it shows the pulse's revision unless `shows` says what it shows. */
function viewAt(at: string, shows?: number): LiveView {
  const content = JSON.stringify({ revision: shows ?? Number(at.split('|')[0]) });
  return { content, json: () => content };
}

/** A live view's events, driven by a pulse whose revision the test moves. */
function source() {
  let revision = 1;
  const state = { shows: undefined as number | undefined };
  const pulse = async (): Promise<FleetPulse> => ({ revision, freshness: { live: true, errors: [], generatedAt: '' } });
  const views: string[] = [];
  const ctl = new AbortController();
  const stream = liveEvents({
    pulse,
    view: async (at) => {
      views.push(at);
      return viewAt(at, state.shows);
    },
    signal: ctl.signal,
    ending: () => false,
    checkMs: 5,
  });
  return { stream, views, state, bump: () => revision++, abort: () => ctl.abort() };
}

/** Reads the next chunk as text. */
function reader(stream: ReadableStream<Uint8Array>): () => Promise<string> {
  const r = stream.getReader();
  const decoder = new TextDecoder();
  return async () => decoder.decode((await r.read()).value ?? new Uint8Array(), { stream: true });
}

const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));

/** The `view` events among chunks read so far. */
function viewsIn(text: string): number[] {
  return [...text.matchAll(/event: view\ndata: (.*)\n/g)].map((m) => JSON.parse(m[1] as string).revision);
}

describe('live events', () => {
  it('push the view at once and again on each change, with the pulse after it', async () => {
    const s = source();
    const read = reader(s.stream);
    let text = '';
    const readUntil = async (done: () => boolean) => {
      while (!done()) text += await read();
    };
    await readUntil(() => viewsIn(text).length === 1);
    s.bump();
    await readUntil(
      () => viewsIn(text).length === 2 && text.endsWith('\n\n') && text.lastIndexOf('event: pulse') > text.lastIndexOf('event: view'),
    );
    expect(viewsIn(text)).toEqual([1, 2]);
    expect(text.indexOf('event: pulse')).toBeGreaterThan(text.indexOf('event: view'));
    s.abort();
  });

  it('send the pulse alone when the view shows what it showed (the churn of pods it does not show)', async () => {
    const s = source();
    s.state.shows = 7;
    const read = reader(s.stream);
    let text = '';
    const pulses = () => text.split('event: pulse').length - 1;
    while (pulses() < 1) text += await read();
    // Two new revisions, the view the same: a pulse for each, no view.
    s.bump();
    while (pulses() < 2) text += await read();
    s.bump();
    while (pulses() < 3) text += await read();
    expect(viewsIn(text)).toEqual([7]);
    // What it shows changes: the view goes out again.
    s.state.shows = 8;
    s.bump();
    while (viewsIn(text).length < 2) text += await read();
    expect(viewsIn(text)).toEqual([7, 8]);
    s.abort();
  });

  it('hold at most one unread view for a client that stopped reading, and give it the latest when it reads', async () => {
    const s = source();
    const read = reader(s.stream);
    // The first view is read; then the client stalls while the views change 20 times.
    let text = '';
    while (viewsIn(text).length === 0) text += await read();
    for (let i = 0; i < 20; i++) {
      s.bump();
      await tick(10);
    }
    // Only the views the stream could hand over were computed, not one per change.
    expect(s.views.length).toBeLessThanOrEqual(3);
    // Reading again: the latest revision arrives without the ones in between.
    await tick();
    for (let i = 0; i < 50 && !viewsIn(text).includes(21); i++) {
      text += await read();
    }
    const seen = viewsIn(text);
    expect(seen.at(-1)).toBe(21);
    expect(seen.length).toBeLessThanOrEqual(4);
    s.abort();
  });

  /** A stream whose own check is a minute away (longer than a test's timeout): only a wake brings a second view in time. */
  function wakeable(onPulse: () => void = () => {}) {
    const state = { revision: 1, wake: undefined as (() => void) | undefined };
    const ctl = new AbortController();
    const stream = liveEvents({
      pulse: async () => {
        onPulse();
        return { revision: state.revision, freshness: { live: true, errors: [], generatedAt: '' } };
      },
      view: async (at) => viewAt(at),
      signal: ctl.signal,
      ending: () => false,
      checkMs: 60_000,
      wake: (fn) => {
        state.wake = fn;
        return () => {
          state.wake = undefined;
        };
      },
    });
    const read = reader(stream);
    let text = '';
    return {
      state,
      abort: () => ctl.abort(),
      /** Reads until `n` views and the pulse after the last have arrived, so the stream is not held back. */
      async views(n: number): Promise<number[]> {
        while (
          !(viewsIn(text).length >= n && text.lastIndexOf('event: pulse') > text.lastIndexOf('event: view') && text.endsWith('\n\n'))
        ) {
          text += await read();
        }
        return viewsIn(text);
      },
    };
  }

  it('check at once when woken (a model with a change was built), not at the next check', async () => {
    const s = wakeable();
    await s.views(1);
    s.state.revision = 2;
    s.state.wake?.();
    expect(await s.views(2)).toEqual([1, 2]);
    s.abort();
    // Closing the stream unsubscribes.
    expect(s.state.wake).toBeUndefined();
  });

  it("check in the request's context when woken from another (a model build's)", async () => {
    // The request's context is where its cookies say who is asking (next/headers).
    const who = new AsyncLocalStorage<string>();
    const askedAs: Array<string | undefined> = [];
    const s = who.run('the person', () => wakeable(() => askedAs.push(who.getStore())));
    await s.views(1);
    s.state.revision = 2;
    who.run('the model build', () => s.state.wake?.());
    await s.views(2);
    expect(askedAs).toEqual(['the person', 'the person']);
    s.abort();
  });

  /** A stream whose view may stall and whose checks after the first may be made to wait. */
  function gated() {
    const state = { revision: 1, opened: 0, giveWayAsked: 0, stall: false, wait: undefined as Promise<void> | undefined };
    const views: string[] = [];
    const stream = liveEvents({
      pulse: async () => ({ revision: state.revision, freshness: { live: true, errors: [], generatedAt: '' } }),
      view: (at) => {
        views.push(at);
        return state.stall ? new Promise<LiveView>(() => {}) : Promise.resolve(viewAt(at));
      },
      signal: new AbortController().signal,
      ending: () => false,
      checkMs: 1,
      opened: () => state.opened++,
      giveWay: () => {
        state.giveWayAsked++;
        return state.wait;
      },
    });
    const r = stream.getReader();
    const decoder = new TextDecoder();
    const read = async () => decoder.decode((await r.read()).value ?? new Uint8Array(), { stream: true });
    return { read, cancel: () => r.cancel(), views, state };
  }

  it('say once that the stream is open, when its first view is sent', async () => {
    const s = gated();
    let text = '';
    while (viewsIn(text).length < 1) text += await s.read();
    expect(s.state.opened).toBe(1);
    s.state.revision = 2;
    while (viewsIn(text).length < 2) text += await s.read();
    expect(s.state.opened).toBe(1);
    // The first check does not give way (the stream is itself an answer under way then); the next ones ask.
    expect(s.state.giveWayAsked).toBeGreaterThan(0);
    await s.cancel();
    expect(s.state.opened).toBe(1);
  });

  it('say that the stream is open when it is cancelled before its first view', async () => {
    const s = gated();
    s.state.stall = true;
    void s.read().catch(() => {});
    await expect.poll(() => s.views.length).toBe(1);
    expect(s.state.opened).toBe(0);
    await s.cancel();
    expect(s.state.opened).toBe(1);
  });

  it('wait for what giveWay returns before a check after the first view', async () => {
    const s = gated();
    let text = '';
    while (viewsIn(text).length < 1) text += await s.read();
    let release!: () => void;
    s.state.wait = new Promise<void>((r) => {
      release = r;
    });
    const asked = s.state.giveWayAsked;
    s.state.revision = 2;
    await expect.poll(() => s.state.giveWayAsked).toBeGreaterThan(asked);
    // Checks every 1 ms: unhindered, the view at revision 2 would be asked within these turns.
    await tick(30);
    expect(s.views).toHaveLength(1);
    s.state.wait = undefined;
    release();
    while (viewsIn(text).length < 2) text += await s.read();
    expect(viewsIn(text)).toEqual([1, 2]);
    await s.cancel();
  });
});
