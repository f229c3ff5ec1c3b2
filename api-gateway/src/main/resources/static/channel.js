// One channel as this page knows it: where it stands in the channel's event log, and (once opened)
// the messages it shows. This is where "in order, exactly once, no gap" is kept:
//
//  - `seq` is the last event applied. An event at or below it is dropped (never shown twice); one
//    above seq+1 means events were missed, and they are read from GET /events before it is applied.
//  - Every event, history load and gap fill for the channel runs through one promise chain, so they
//    never interleave: a live event that arrives during a history load waits and is then deduped
//    against it.
//  - A (re)connect subscribes with afterSeq = seq (live.js asks through app.js's positions()).

import { NetworkError } from './api.js';
import { Timeline } from './timeline.js';

const MAX_PAGES = 50; // of 200 events: how far one catch-up reads before leaving the rest to the next

export class Channel {
  /**
   * @param {object} info a boot channel: {channelId, name, private, isMember, lastSeq, lastReadSeq, unreadCount}
   * @param {number} seq where this page stands (boot's lastSeq, or a saved snapshot's seq)
   * @param {import('./api.js').Api} api
   * @param {(channel: Channel, event: object, changedSeqs: number[]) => void} onApplied after each event
   */
  constructor(info, seq, api, onApplied) {
    this.channelId = info.channelId;
    this.name = info.name;
    this.private = info.private;
    this.isMember = info.isMember;
    this.seq = seq;
    this.countedThrough = info.lastSeq; // boot's unreadCount covers everything up to here
    this.unread = info.unreadCount || 0;
    this.readSent = info.lastReadSeq ?? -1;
    this.viewedSeq = -1;
    /** @type {Timeline|null} only for channels opened in this tab */
    this.timeline = null;
    this.loading = false;
    this.loadingOlder = false;
    this.api = api;
    this.onApplied = onApplied;
    this.chain = Promise.resolve();
  }

  /** Runs `task` after everything already queued for this channel. */
  enqueue(task) {
    this.chain = this.chain.then(task).catch((err) => console.warn(`channel ${this.channelId}:`, err.message));
    return this.chain;
  }

  /** An event from the live connection (or a replay): applied in seq order, exactly once. */
  receive(event) {
    return this.enqueue(async () => {
      if (event.seq <= this.seq) return; // seen already
      if (event.seq > this.seq + 1) await this.fillGap(event.seq - 1);
      if (event.seq !== this.seq + 1) return; // the gap could not be filled now; the next resume replays it
      this.apply(event);
    });
  }

  /** Reads what was missed from GET /events, in the chain (for a connection that cannot resume by itself). */
  catchUp() {
    return this.enqueue(() => this.fillGap(Infinity));
  }

  /** Applies GET /events after seq, up to `upTo`; stops quietly on a network failure. */
  async fillGap(upTo) {
    for (let page = 0; page < MAX_PAGES && this.seq < upTo; page++) {
      let answer;
      try {
        answer = await this.api.events(this.channelId, this.seq);
      } catch (err) {
        if (!(err instanceof NetworkError)) console.warn('gap not filled:', err.message);
        return;
      }
      for (const event of answer.events) {
        if (event.seq > upTo) return;
        if (event.seq === this.seq + 1) this.apply(event);
      }
      if (!answer.hasMore) return;
    }
  }

  apply(event) {
    this.seq = event.seq;
    const changed = this.timeline ? this.timeline.apply(event) : [];
    this.onApplied(this, event, changed);
  }

  /**
   * History for a channel opened for the first time: the newest page, then the events after its
   * newest message (reactions and edits the page may not reflect yet, and anything since). Applying
   * an event the page already reflects changes nothing, so starting there is safe and never late.
   * Rejects with the failure (offline, refused); the channel then has no timeline, and opening it
   * again, or the next reconnect, retries.
   */
  loadLatest(pageSize) {
    this.loading = true;
    let failure = null;
    return this.enqueue(async () => {
      try {
        const page = await this.api.history(this.channelId, { limit: pageSize });
        const timeline = new Timeline(page.messages, page.hasMore);
        let after = page.messages.length ? page.messages[page.messages.length - 1].seq : -1;
        for (let i = 0; i < MAX_PAGES; i++) {
          const answer = await this.api.events(this.channelId, after);
          for (const event of answer.events) {
            timeline.apply(event);
            after = event.seq;
          }
          if (!answer.hasMore) break;
        }
        this.timeline = timeline;
        // The timeline's own position; anything later comes from the stream, or a gap fill.
        this.seq = after;
        this.countedThrough = Math.max(this.countedThrough, after);
      } catch (err) {
        failure = err;
      } finally {
        this.loading = false;
      }
    }).then(() => {
      if (failure) throw failure;
    });
  }

  /** Scroll-back: the page before the oldest message held (history is "as now", so it is current). Returns the seqs added. */
  async loadOlder(pageSize) {
    const before = this.timeline && this.timeline.hasMore ? this.timeline.oldestSeq() : null;
    if (before === null || this.loadingOlder) return [];
    this.loadingOlder = true;
    try {
      const page = await this.api.history(this.channelId, { before, limit: pageSize });
      return this.timeline.addOlder(page.messages, page.hasMore);
    } finally {
      this.loadingOlder = false;
    }
  }
}
