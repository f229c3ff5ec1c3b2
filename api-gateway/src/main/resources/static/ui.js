// Rendering. Everything that touches the DOM is here; it holds no chat state of its own beyond
// which element shows which seq. User text is only ever set as textContent, never as HTML.

/** Emoji names the server accepts (^[a-z0-9_+-]{1,64}$), with how this client draws them. */
export const EMOJI = {
  thumbsup: '\u{1F44D}',
  heart: '\u2764\uFE0F',
  joy: '\u{1F602}',
  tada: '\u{1F389}',
  eyes: '\u{1F440}',
  white_check_mark: '\u2705',
};

export const $ = (selector, root = document) => root.querySelector(selector);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

/** Shows one of the three views (signup, team, chat). */
export function showView(name) {
  for (const view of ['signup', 'team', 'chat']) $(`#${view}-view`).hidden = view !== name;
  document.body.dataset.view = name;
}

export function showError(selector, error) {
  const target = $(selector);
  target.textContent = error ? (error.message || String(error)) : '';
  target.hidden = !error;
}

let toastTimer = null;
export function toast(text) {
  const box = $('#toast');
  box.textContent = text;
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    box.hidden = true;
  }, 4000);
}

export function renderHeader({ me, team }) {
  $('#me').textContent = me ? `${me.displayName} (@${me.username})` : '';
  $('#sign-out').hidden = !me;
  $('#team-name').textContent = team ? team.name : '';
  $('#team-id').textContent = team ? team.teamId : '';
  $('#team-id-box').hidden = !team;
}

/** The connection pill: the user should see at a glance whether what they read is live. */
export function renderStatus({ state, transport }) {
  const pill = $('#status');
  pill.dataset.state = state;
  pill.dataset.transport = transport || '';
  pill.textContent = {
    connecting: 'connecting\u2026',
    live: `live (${transport === 'sse' ? 'SSE' : 'WebSocket'})`,
    reconnecting: 'reconnecting\u2026',
    offline: 'offline',
  }[state] || state;
}

export function renderKnownTeams(teams, onPick) {
  const list = $('#known-teams');
  list.replaceChildren(...teams.map((t) => el('li', {},
    el('button', { type: 'button', class: 'link', text: t.name || t.teamId, onclick: () => onPick(t.teamId) }),
    el('code', { text: ` ${t.teamId}` }))));
  $('#known-teams-box').hidden = teams.length === 0;
}

/**
 * @param {object[]} channels {channelId, name, private, isMember, unread}
 * @param {string} currentId
 * @param {{open: (id: string) => void, join: (id: string) => void}} on
 */
export function renderChannels(channels, currentId, on) {
  const sorted = [...channels].sort((a, b) => (b.isMember - a.isMember) || a.name.localeCompare(b.name));
  $('#channel-list').replaceChildren(...sorted.map((c) => {
    const unread = c.isMember && c.unread > 0 && c.channelId !== currentId;
    return el('li', {
      class: `channel${c.channelId === currentId ? ' current' : ''}${c.isMember ? '' : ' not-member'}${unread ? ' unread' : ''}`,
      'data-testid': 'channel', 'data-channel-id': c.channelId, 'data-name': c.name,
    },
    el('button', { type: 'button', class: 'channel-open', onclick: () => on.open(c.channelId) },
      el('span', { class: 'channel-name', text: `${c.private ? '\u{1F512}' : '#'}${c.name}` }),
      unread ? el('span', { class: 'badge', 'data-testid': 'unread', text: c.unread > 99 ? '99+' : String(c.unread) }) : null),
    c.isMember ? null : el('button', { type: 'button', class: 'small', 'data-testid': 'join-channel', text: 'join', onclick: () => on.join(c.channelId) }));
  }));
}

export function renderMembers(members, presenceOf, myId) {
  const sorted = [...members].sort((a, b) => a.displayName.localeCompare(b.displayName));
  $('#member-list').replaceChildren(...sorted.map((m) => {
    const presence = presenceOf(m.userId);
    return el('li', { class: 'member', 'data-testid': 'member', 'data-user-id': m.userId, 'data-username': m.username },
      el('span', { class: `presence ${presence}`, 'data-testid': 'presence', 'data-presence': presence, title: presence }),
      el('span', { text: m.displayName + (m.userId === myId ? ' (you)' : '') }));
  }));
}

export function renderChannelHeader(channel) {
  $('#channel-title').textContent = channel ? `${channel.private ? '\u{1F512}' : '#'}${channel.name}` : '';
  $('#channel-title').dataset.channelId = channel ? channel.channelId : '';
}

/** Who is typing in the open channel; empty hides the line but keeps its height, so the list does not jump. */
export function renderTyping(names) {
  const line = $('#typing');
  if (names.length === 0) line.textContent = '\u00A0';
  else if (names.length === 1) line.textContent = `${names[0]} is typing\u2026`;
  else line.textContent = `${names.slice(0, -1).join(', ')} and ${names.at(-1)} are typing\u2026`;
  line.dataset.typing = names.join(',');
}

export function renderComposer({ canPost, channelName }) {
  $('#composer-input').disabled = !canPost;
  $('#composer-send').disabled = !canPost;
  $('#composer-input').placeholder = canPost ? `Message #${channelName}` : `Join #${channelName} to post`;
}

/**
 * The message list of the open channel, updated element by element (so scrolling, an open editor
 * or a focused button survive live updates), always in seq order, one element per seq.
 */
export class MessageList {
  /**
   * @param {object} o
   * @param {(userId: string) => string} o.nameOf
   * @param {() => string} o.myId
   * @param {object} o.on {react(seq, emoji, mine), edit(seq, text), remove(seq), retry(id), discard(id), older()}
   */
  constructor(o) {
    this.nameOf = o.nameOf;
    this.myId = o.myId;
    this.on = o.on;
    this.scroller = $('#messages');
    this.list = $('#message-list');
    this.pendingList = $('#pending-list');
    this.olderBox = $('#older');
    this.seqs = []; // sorted seqs on screen
    this.elements = new Map();
    this.messages = new Map();
    this.canPost = false;
    // Scroll-back paging: near the top, ask for the page before the oldest message shown.
    this.scroller.addEventListener('scroll', () => {
      if (this.scroller.scrollTop < 80) this.on.older();
    });
  }

  /** Empties the list for another channel. */
  reset() {
    this.seqs = [];
    this.elements.clear();
    this.messages.clear();
    this.list.replaceChildren();
    this.pendingList.replaceChildren();
    this.setOlder({ hasMore: false, loading: true });
  }

  setCanPost(canPost) {
    this.canPost = canPost;
  }

  setOlder({ hasMore, loading }) {
    let content;
    if (loading) content = el('span', { class: 'muted', text: 'loading\u2026' });
    else if (hasMore) content = el('button', { type: 'button', class: 'link', 'data-testid': 'load-older', text: 'Load older messages', onclick: () => this.on.older() });
    else content = el('span', { class: 'muted', 'data-testid': 'channel-start', text: 'This is the beginning of the channel.' });
    this.olderBox.replaceChildren(content);
  }

  /** Adds or redraws messages; `older` keeps the reader's place when a page is prepended. */
  upsert(messages, { older = false } = {}) {
    const stick = this.atBottom();
    const heightBefore = this.scroller.scrollHeight;
    const topBefore = this.scroller.scrollTop;
    for (const m of messages) this.upsertOne(m);
    if (older) this.scroller.scrollTop = topBefore + (this.scroller.scrollHeight - heightBefore);
    else if (stick) this.scrollToBottom();
  }

  upsertOne(m) {
    this.messages.set(m.seq, m);
    const existing = this.elements.get(m.seq);
    if (existing && existing.contains(document.activeElement) && existing.querySelector('.editor')) {
      return; // the user is editing this one; the editor's save shows the outcome
    }
    const node = this.messageElement(m);
    if (existing) {
      existing.replaceWith(node);
    } else {
      const at = insertionPoint(this.seqs, m.seq);
      const next = this.seqs[at] === undefined ? null : this.elements.get(this.seqs[at]);
      this.seqs.splice(at, 0, m.seq);
      this.list.insertBefore(node, next);
    }
    this.elements.set(m.seq, node);
  }

  /** Our own messages not yet stored, drawn after every stored one. */
  setPending(items) {
    const stick = this.atBottom();
    this.pendingList.replaceChildren(...items.map((item) => this.pendingElement(item)));
    if (stick || items.length) this.scrollToBottom();
  }

  atBottom() {
    const s = this.scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight < 60;
  }

  scrollToBottom() {
    this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  messageElement(m) {
    const mine = m.userId === this.myId();
    const node = el('li', {
      class: `message${mine ? ' mine' : ''}${m.deleted ? ' deleted' : ''}`,
      'data-testid': 'message', 'data-seq': m.seq, 'data-client-msg-id': m.clientMsgId, 'data-user-id': m.userId,
    },
    el('div', { class: 'meta' },
      el('span', { class: 'author', text: this.nameOf(m.userId) }),
      el('time', { datetime: m.ts, title: m.ts, text: formatTime(m.ts) }),
      m.editedAt && !m.deleted ? el('span', { class: 'edited', 'data-testid': 'edited', text: '(edited)' }) : null,
      m.threadSeq != null ? el('span', { class: 'thread', text: 'reply in thread' }) : null,
      m.replyCount > 0 ? el('span', { class: 'thread', text: `${m.replyCount} ${m.replyCount === 1 ? 'reply' : 'replies'}` }) : null),
    el('div', { class: 'text', 'data-testid': 'text', text: m.deleted ? 'This message was deleted.' : m.text }));
    if (m.deleted) return node;

    const reactions = Object.entries(m.reactions).filter(([, users]) => users.length > 0);
    if (reactions.length) {
      node.append(el('div', { class: 'reactions' }, ...reactions.map(([emoji, users]) => {
        const reacted = users.includes(this.myId());
        return el('button', {
          type: 'button', class: `reaction${reacted ? ' mine' : ''}`, 'data-testid': 'reaction', 'data-emoji': emoji,
          title: users.map((u) => this.nameOf(u)).join(', '),
          disabled: !this.canPost,
          onclick: () => this.on.react(m.seq, emoji, reacted),
        }, `${EMOJI[emoji] || `:${emoji}:`} `, el('span', { class: 'count', text: String(users.length) }));
      })));
    }
    if (this.canPost) node.append(this.actions(m, mine));
    return node;
  }

  actions(m, mine) {
    const picker = el('div', { class: 'picker', hidden: true, 'data-testid': 'picker' },
      ...Object.entries(EMOJI).map(([name, glyph]) => el('button', {
        type: 'button', 'data-emoji': name, title: `:${name}:`, text: glyph,
        onclick: () => {
          picker.hidden = true;
          this.on.react(m.seq, name, (m.reactions[name] || []).includes(this.myId()));
        },
      })));
    const bar = el('div', { class: 'actions' },
      el('button', { type: 'button', class: 'small', 'data-testid': 'react', text: 'React', onclick: () => { picker.hidden = !picker.hidden; } }));
    if (mine) {
      bar.append(el('button', { type: 'button', class: 'small', 'data-testid': 'edit', text: 'Edit', onclick: (e) => this.openEditor(e.target.closest('li'), m) }));
      // Two clicks to delete, without a modal dialog: a slip of the mouse is undone by waiting.
      const del = el('button', { type: 'button', class: 'small danger', 'data-testid': 'delete', text: 'Delete' });
      del.addEventListener('click', () => {
        if (del.dataset.armed) {
          this.on.remove(m.seq);
          return;
        }
        del.dataset.armed = 'yes';
        del.textContent = 'Really delete?';
        setTimeout(() => {
          delete del.dataset.armed;
          del.textContent = 'Delete';
        }, 4000);
      });
      bar.append(del);
    }
    return el('div', { class: 'tools' }, bar, picker);
  }

  openEditor(node, m) {
    const text = node.querySelector('.text');
    const input = el('textarea', { class: 'editor-input', 'data-testid': 'edit-input', rows: 2 });
    input.value = m.text;
    const close = () => this.upsertOne(this.messages.get(m.seq));
    const save = () => {
      const value = input.value.trim();
      if (value && value !== m.text) this.on.edit(m.seq, value);
      input.blur();
      close();
    };
    const editor = el('form', { class: 'editor', onsubmit: (e) => { e.preventDefault(); save(); } },
      input,
      el('button', { type: 'submit', class: 'small', 'data-testid': 'edit-save', text: 'Save' }),
      el('button', { type: 'button', class: 'small', text: 'Cancel', onclick: () => { input.blur(); close(); } }));
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey) {
        e.preventDefault();
        save();
      } else if (e.key === 'Escape') {
        input.blur();
        close();
      }
    });
    text.replaceWith(editor);
    input.focus();
  }

  pendingElement(item) {
    const note = {
      sending: 'sending\u2026',
      retrying: `not sent yet (${item.error || 'network'}): retrying\u2026`,
      failed: `not sent: ${item.error}`,
    }[item.state] || item.state;
    return el('li', { class: `message mine pending ${item.state}`, 'data-testid': 'pending-message', 'data-client-msg-id': item.clientMsgId, 'data-state': item.state },
      el('div', { class: 'meta' },
        el('span', { class: 'author', text: this.nameOf(item.userId) }),
        el('span', { class: 'note', text: note }),
        item.state === 'failed' ? el('button', { type: 'button', class: 'small', text: 'Retry', onclick: () => this.on.retry(item.clientMsgId) }) : null,
        item.state === 'failed' ? el('button', { type: 'button', class: 'small', text: 'Discard', onclick: () => this.on.discard(item.clientMsgId) }) : null),
      el('div', { class: 'text', 'data-testid': 'text', text: item.text }));
  }
}

function insertionPoint(sorted, seq) {
  if (sorted.length === 0 || sorted[sorted.length - 1] < seq) return sorted.length; // the usual case: a new message
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function formatTime(ts) {
  const date = new Date(ts);
  if (Number.isNaN(date.getTime())) return '';
  const sameDay = date.toDateString() === new Date().toDateString();
  return sameDay
    ? date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}
