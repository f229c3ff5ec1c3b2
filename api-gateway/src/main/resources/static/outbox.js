// Messages typed but not yet acknowledged, and the loop that delivers them.
//
// Why it is safe to retry: each message gets its clientMsgId once, when typed, and every attempt
// reuses it. The server dedups on (channel, user, clientMsgId) and answers a repeat with 200 and the
// original seq, so a send whose answer was lost to the network is retried without ever creating a
// second message.
//
// Why one at a time per channel: two sends in flight at once may be stored in either order, and a
// chat must keep the order its author typed.
//
// The queue lives in sessionStorage, so a page reloaded mid-retry picks its pending messages up
// again (same ids, so still no duplicates).

import { ApiError, NetworkError, newClientMsgId } from './api.js';
import { session } from './storage.js';

const STORE_KEY = 'outbox';

export class Outbox {
  /**
   * @param {import('./api.js').Api} api
   * @param {object} hooks
   * @param {(item: object) => void} hooks.onChange an item was added or changed state
   * @param {(item: object, ack: object) => void} hooks.onAck stored; `ack` is {messageId, seq, ts, clientMsgId}
   */
  constructor(api, hooks) {
    this.api = api;
    this.hooks = hooks;
    /** @type {object[]} {clientMsgId, channelId, text, userId, createdAt, state: 'sending'|'retrying'|'failed', error} */
    this.items = session.get(STORE_KEY) || [];
    this.running = new Set(); // channelIds with a delivery loop going
    this.wakers = new Set();
    window.addEventListener('online', () => this.wake());
  }

  /** Resumes delivery of whatever a previous page load left unsent. */
  resume() {
    for (const item of this.items) if (item.state !== 'failed') this.kick(item.channelId);
  }

  /** Forgets every unsent message (signing out: they belong to the identity that typed them). */
  clear() {
    this.items = [];
    this.save();
    this.wake();
  }

  pending(channelId) {
    return this.items.filter((item) => item.channelId === channelId);
  }

  enqueue(channelId, text, userId) {
    const item = { clientMsgId: newClientMsgId(), channelId, text, userId, createdAt: new Date().toISOString(), state: 'sending', error: null };
    this.items.push(item);
    this.save();
    this.hooks.onChange(item);
    this.kick(channelId);
    return item;
  }

  /** A failed item, sent again by hand (same clientMsgId: the server may have stored it after all). */
  retry(clientMsgId) {
    const item = this.items.find((i) => i.clientMsgId === clientMsgId);
    if (!item) return;
    item.state = 'sending';
    item.error = null;
    this.save();
    this.hooks.onChange(item);
    this.kick(item.channelId);
  }

  discard(clientMsgId) {
    const item = this.items.find((i) => i.clientMsgId === clientMsgId);
    this.items = this.items.filter((i) => i.clientMsgId !== clientMsgId);
    this.save();
    if (item) this.hooks.onChange({ ...item, state: 'discarded' });
  }

  kick(channelId) {
    if (this.running.has(channelId)) {
      this.wake();
      return;
    }
    this.running.add(channelId);
    this.deliver(channelId).finally(() => this.running.delete(channelId));
  }

  async deliver(channelId) {
    let failures = 0;
    for (;;) {
      const item = this.items.find((i) => i.channelId === channelId && i.state !== 'failed');
      if (!item) return;
      if (!navigator.onLine) {
        await this.sleep(60000); // woken early by the 'online' event
        continue;
      }
      try {
        const answer = await this.api.send(channelId, item.clientMsgId, item.text);
        this.items = this.items.filter((i) => i !== item);
        this.save();
        this.hooks.onAck(item, answer.body);
        failures = 0;
      } catch (e) {
        if (e instanceof NetworkError || (e instanceof ApiError && e.transient)) {
          // The answer never came (or the server asked us to wait): try again, same clientMsgId.
          failures += 1;
          item.state = 'retrying';
          item.error = e instanceof ApiError ? e.message : 'offline: will retry';
          this.save();
          this.hooks.onChange(item);
          const backoff = Math.min(15000, 500 * 2 ** Math.min(failures, 5));
          await this.sleep(e.retryAfterMs ?? backoff);
        } else {
          // 400, 403, 404, 409: the same request would fail the same way; the user decides.
          item.state = 'failed';
          item.error = e.message;
          this.save();
          this.hooks.onChange(item);
        }
      }
    }
  }

  sleep(ms) {
    return new Promise((resolve) => {
      const waker = () => {
        clearTimeout(timer);
        this.wakers.delete(waker);
        resolve();
      };
      const timer = setTimeout(waker, ms);
      this.wakers.add(waker);
    });
  }

  wake() {
    for (const waker of [...this.wakers]) waker();
  }

  save() {
    session.set(STORE_KEY, this.items);
  }
}
