// The messages of one channel that this page holds: a window of the newest ones, keyed by seq.
//
// Pure data, no DOM and no I/O, so its rules are easy to read in one place:
//  - A seq is held at most once (a Map keyed by seq), whatever path brought it: history, a replayed
//    event, a live event, or the answer to our own send.
//  - Applying an event is convergent: it *sets* state (text, deleted, who reacted) rather than
//    counting, so replaying events the history page already reflects leaves the page unchanged.
//    That is what lets a resume start a little early instead of having to be exact.

export class Timeline {
  constructor(messages = [], hasMore = true) {
    /** @type {Map<number, object>} */
    this.bySeq = new Map();
    this.hasMore = hasMore; // older messages exist on the server
    for (const m of messages) this.bySeq.set(m.seq, normalize(m));
  }

  static fromSnapshot(snapshot) {
    return new Timeline(snapshot.messages, snapshot.hasMore);
  }

  /** The newest `limit` messages, for sessionStorage (the window is what the page can re-show at once). */
  toSnapshot(limit = 150) {
    const messages = this.sorted().slice(-limit);
    return { messages, hasMore: this.hasMore || messages.length < this.bySeq.size };
  }

  sorted() {
    return [...this.bySeq.values()].sort((a, b) => a.seq - b.seq);
  }

  oldestSeq() {
    let oldest = null;
    for (const seq of this.bySeq.keys()) if (oldest === null || seq < oldest) oldest = seq;
    return oldest;
  }

  newestSeq() {
    let newest = -1;
    for (const seq of this.bySeq.keys()) if (seq > newest) newest = seq;
    return newest;
  }

  /** Adds an older page from history; returns the seqs added. */
  addOlder(messages, hasMore) {
    this.hasMore = hasMore;
    const added = [];
    for (const m of messages) {
      if (!this.bySeq.has(m.seq)) {
        this.bySeq.set(m.seq, normalize(m));
        added.push(m.seq);
      }
    }
    return added;
  }

  /**
   * Our own send, acknowledged: shown at its seq at once, before its event arrives on the stream
   * (the event then finds the seq taken and changes nothing).
   */
  addAcknowledged(message) {
    if (this.bySeq.has(message.seq)) return [];
    this.bySeq.set(message.seq, normalize(message));
    return [message.seq];
  }

  /** Applies a channel event; returns the seqs of the messages it changed (to re-render). */
  apply(event) {
    switch (event.type) {
      case 'message.posted': {
        if (this.bySeq.has(event.seq)) return [];
        this.bySeq.set(event.seq, normalize({ ...event, replyCount: 0, editedAt: null, deleted: false, reactions: [] }));
        const changed = [event.seq];
        const parent = event.threadSeq != null ? this.bySeq.get(event.threadSeq) : null;
        if (parent) {
          parent.replyCount += 1;
          changed.push(parent.seq);
        }
        return changed;
      }
      case 'message.edited': {
        const m = this.bySeq.get(event.messageSeq);
        if (!m || m.deleted) return [];
        m.text = event.text;
        m.editedAt = event.ts;
        return [m.seq];
      }
      case 'message.deleted': {
        const m = this.bySeq.get(event.messageSeq);
        if (!m) return [];
        m.deleted = true;
        m.text = '';
        m.reactions = {};
        return [m.seq];
      }
      case 'reaction.added':
      case 'reaction.removed': {
        const m = this.bySeq.get(event.messageSeq);
        if (!m || m.deleted) return [];
        const users = new Set(m.reactions[event.emoji] || []);
        if (event.type === 'reaction.added') users.add(event.userId);
        else users.delete(event.userId);
        if (users.size) m.reactions[event.emoji] = [...users];
        else delete m.reactions[event.emoji];
        return [m.seq];
      }
      default:
        return []; // channel.created, member.joined/left: nothing to show in the message list
    }
  }
}

/** One shape for a message whatever its source; reactions as {emoji: [userId]} so it serialises. */
function normalize(m) {
  let reactions = {};
  if (Array.isArray(m.reactions)) {
    for (const r of m.reactions) reactions[r.emoji] = [...(r.userIds || [])];
  } else if (m.reactions) {
    reactions = { ...m.reactions };
  }
  return {
    seq: m.seq,
    messageId: m.messageId,
    clientMsgId: m.clientMsgId ?? null,
    userId: m.userId,
    text: m.text ?? '',
    ts: m.ts,
    threadSeq: m.threadSeq ?? null,
    replyCount: m.replyCount ?? 0,
    editedAt: m.editedAt ?? null,
    deleted: Boolean(m.deleted),
    reactions,
  };
}
