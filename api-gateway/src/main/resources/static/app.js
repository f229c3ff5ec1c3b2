// The reference web client: start-up, navigation, and what each event or click changes on screen.
// See the README's "Reference web client".
//
// The one invariant everything serves lives in channel.js: per channel, `seq` is the last event
// applied, every event is applied in seq order exactly once, and a (re)connect resumes from it.
// This file keeps the rest: which team and channel are open, unread counts and read markers,
// sending (through outbox.js), typing and presence, and saving each channel for a reload.

import { Api, ApiError, NetworkError } from './api.js';
import { Channel } from './channel.js';
import { Live } from './live.js';
import { Outbox } from './outbox.js';
import { local, session } from './storage.js';
import { Timeline } from './timeline.js';
import * as ui from './ui.js';

const HISTORY_PAGE = 50;
const MAX_REPLAY = 1000; // a saved channel further behind than this is reloaded from history instead
const TYPING_SEND_EVERY_MS = 3000; // the server allows a few typing frames a second; one per 3 s is plenty
const TYPING_SHOWN_MS = 5000;

const params = new URLSearchParams(window.location.search);
const api = new Api('', null);

const state = {
  me: null, // {userId, username, displayName, token}
  teamId: null,
  team: null,
  /** @type {Map<string, import("./channel.js").Channel>} */
  channels: new Map(),
  members: new Map(),
  presence: new Map(),
  currentId: null,
  typing: new Map(), // channelId -> Map(userId -> timer)
  live: null,
  generation: 0, // bumped on every team switch, so late answers for the old team are ignored
};

let list;
let outbox;

// --- start-up and navigation ---------------------------------------------------------------------

function init() {
  list = new ui.MessageList({
    nameOf,
    myId: () => state.me && state.me.userId,
    on: { react, edit, remove, older: loadOlder, retry: (id) => outbox.retry(id), discard: (id) => outbox.discard(id) },
  });
  bindForms();
  state.me = local.get('session');
  api.token = state.me && state.me.token;
  outbox = new Outbox(api, { onChange: renderPending, onAck });
  window.addEventListener('hashchange', route);
  window.addEventListener('pagehide', () => {
    flushReads();
    saveAllSnapshots();
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') markReadSoon();
  });
  // Presence arrives as WebSocket frames; over SSE there are none, so the member list is polled instead.
  setInterval(() => {
    if (state.live && state.live.transport === 'sse' && state.live.connected && document.visibilityState === 'visible') refreshMembers();
  }, 30000);
  route();
}

/** #/t/{teamId}/c/{channelId}, so a reload reopens the same channel. */
function parseHash() {
  const match = /^#\/t\/([^/]+)(?:\/c\/([^/]+))?/.exec(window.location.hash);
  return match ? { teamId: decodeURIComponent(match[1]), channelId: match[2] && decodeURIComponent(match[2]) } : {};
}

function setHash(teamId, channelId) {
  const hash = `#/t/${encodeURIComponent(teamId)}${channelId ? `/c/${encodeURIComponent(channelId)}` : ''}`;
  if (window.location.hash !== hash) history.replaceState(null, '', hash);
}

function route() {
  ui.renderHeader({ me: state.me, team: state.team });
  if (!state.me) {
    leaveTeam();
    ui.showView('signup');
    return;
  }
  const { teamId, channelId } = parseHash();
  const target = teamId || local.get(`team.${state.me.userId}`);
  if (!target) {
    leaveTeam();
    showTeamPicker();
    return;
  }
  if (target === state.teamId) {
    if (channelId && channelId !== state.currentId && state.channels.has(channelId)) openChannel(channelId);
    return;
  }
  enterTeam(target, channelId);
}

function showTeamPicker() {
  ui.renderHeader({ me: state.me, team: null });
  ui.renderKnownTeams(knownTeams(), (teamId) => enterTeam(teamId));
  ui.showView('team');
}

function knownTeams() {
  return (state.me && local.get(`teams.${state.me.userId}`)) || [];
}

function rememberTeam(teamId, name) {
  const teams = knownTeams().filter((t) => t.teamId !== teamId);
  teams.unshift({ teamId, name });
  local.set(`teams.${state.me.userId}`, teams);
  local.set(`team.${state.me.userId}`, teamId);
}

function bindForms() {
  ui.$('#signup-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    ui.showError('#signup-error', null);
    const username = ui.$('#signup-username').value.trim().toLowerCase();
    const displayName = ui.$('#signup-display-name').value.trim() || username;
    try {
      const answer = await api.signUp(username, displayName);
      state.me = { userId: answer.userId, username: answer.username, displayName: answer.displayName, token: answer.token };
      local.set('session', state.me);
      api.token = answer.token;
      route();
    } catch (err) {
      ui.showError('#signup-error', err);
    }
  });

  ui.$('#create-team-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    ui.showError('#team-error', null);
    try {
      const team = await api.createTeam(ui.$('#create-team-name').value.trim());
      rememberTeam(team.teamId, team.name);
      await enterTeam(team.teamId, team.generalChannelId, { fresh: true });
    } catch (err) {
      ui.showError('#team-error', err);
    }
  });

  ui.$('#join-team-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    ui.showError('#team-error', null);
    const teamId = ui.$('#join-team-id').value.trim();
    try {
      const joined = await api.joinTeam(teamId);
      rememberTeam(teamId, null);
      await enterTeam(teamId, joined.generalChannelId, { fresh: true });
    } catch (err) {
      ui.showError('#team-error', err instanceof ApiError && err.status === 404 ? new Error(`No team with id ${teamId}.`) : err);
    }
  });

  ui.$('#new-channel-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const input = ui.$('#new-channel-name');
    try {
      const created = await api.createChannel(state.teamId, input.value.trim().toLowerCase());
      input.value = '';
      await refreshBoot();
      if (!state.channels.has(created.channelId)) {
        // Not in the boot snapshot yet: follow it from the start (seq -1), the stream replays its few events.
        const st = newChannel({ ...created, isMember: true, lastSeq: -1, unreadCount: 0, lastReadSeq: -1 }, -1);
        state.channels.set(created.channelId, st);
        follow(st);
      }
      openChannel(created.channelId);
    } catch (err) {
      ui.toast(err.message);
    }
  });

  ui.$('#switch-team').addEventListener('click', () => {
    leaveTeam();
    history.replaceState(null, '', window.location.pathname + window.location.search);
    showTeamPicker();
  });

  // No login exists in the API yet: signing out forgets this identity for good, hence two clicks.
  const signOut = ui.$('#sign-out');
  signOut.addEventListener('click', () => {
    if (!signOut.dataset.armed) {
      signOut.dataset.armed = 'yes';
      signOut.textContent = 'Forget me? (no login exists)';
      setTimeout(() => {
        delete signOut.dataset.armed;
        signOut.textContent = 'Sign out';
      }, 4000);
      return;
    }
    local.remove('session');
    outbox.clear(); // unsent messages were this identity's; nobody else may send them
    state.me = null;
    api.token = null;
    history.replaceState(null, '', window.location.pathname + window.location.search);
    route();
  });

  const composer = ui.$('#composer-input');
  ui.$('#composer').addEventListener('submit', (e) => {
    e.preventDefault();
    send();
  });
  composer.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      send();
    }
  });
  let lastTypingSent = 0;
  composer.addEventListener('input', () => {
    const now = Date.now();
    if (composer.value && state.live && now - lastTypingSent > TYPING_SEND_EVERY_MS) {
      lastTypingSent = now;
      state.live.typing(state.currentId);
    }
  });
}

// --- a team: boot, members, live connection ------------------------------------------------------

function newChannel(info, seq) {
  return new Channel(info, seq, api, onApplied);
}

async function enterTeam(teamId, channelId, { fresh = false } = {}) {
  leaveTeam();
  const generation = ++state.generation;
  state.teamId = teamId;
  ui.showView('chat');
  let boot;
  try {
    boot = await bootRetrying(teamId, fresh ? 6 : 0);
  } catch (err) {
    if (generation !== state.generation) return;
    return bootFailed(teamId, err);
  }
  if (generation !== state.generation) return;
  state.team = boot.team;
  rememberTeam(teamId, boot.team.name);
  for (const c of boot.channels) {
    // A channel this tab showed before a reload resumes from its saved messages and seq: the live
    // subscription then replays exactly what happened since, instead of reloading history.
    const saved = session.get(snapshotKey(c.channelId));
    const usable = saved && c.lastSeq - saved.seq <= MAX_REPLAY;
    const st = newChannel(c, usable ? saved.seq : c.lastSeq);
    if (usable) st.timeline = Timeline.fromSnapshot(saved);
    state.channels.set(c.channelId, st);
  }
  ui.renderHeader({ me: state.me, team: state.team });
  renderChannelList();
  // Names and presence arrive beside the history, not before it: messages redraw when they come.
  refreshMembers(generation);

  const wanted = [channelId, session.get(`open.${teamId}`)].find((id) => id && state.channels.has(id));
  const general = [...state.channels.values()].find((c) => c.name === 'general');
  const first = [...state.channels.values()].find((c) => c.isMember);
  const open = wanted || (general && general.channelId) || (first && first.channelId);

  let connectedOnce = false;
  state.live = new Live({
    api,
    teamId,
    transport: params.get('transport'),
    positions: followedPositions,
    onEvent: accept,
    onTyping,
    onPresence: (userId, presence) => {
      state.presence.set(userId, presence);
      if (!state.members.has(userId)) refreshMembersSoon();
      renderMembers();
    },
    onJoined: (channelId) => {
      const known = state.channels.get(channelId);
      if (!known || !known.isMember) refreshBoot().catch((err) => console.warn('boot refresh failed:', err.message));
    },
    onStatus: ui.renderStatus,
    onConnected: (transport) => {
      if (connectedOnce) onReconnected(transport);
      else if (transport === 'sse') catchUpAll(); // the team stream starts live: fill from our positions
      connectedOnce = true;
    },
    probe: () => api.boot(teamId).then(() => true, (err) => {
      if (err instanceof ApiError && err.status === 401) bootFailed(teamId, err); // the token expired: sign up again
      return false;
    }),
  });
  if (open) openChannel(open);
  state.live.start();
  outbox.resume();
  renderPending();
}

/**
 * Creating or joining a team answers once the boot cache of the node that took the write shows the
 * new member; behind a load balancer, another node's cache may be a moment behind: right after creating
 * or joining, a 404 or 403 is worth a few retries.
 */
async function bootRetrying(teamId, retries) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await api.boot(teamId);
    } catch (err) {
      const notYet = err instanceof ApiError && (err.status === 404 || err.status === 403);
      if (!notYet || attempt >= retries) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
    }
  }
}

function bootFailed(teamId, err) {
  if (err instanceof ApiError && err.status === 401) {
    // The token is no longer valid (expired, or the server's secret or data changed): start over.
    local.remove('session');
    outbox.clear();
    state.me = null;
    return route();
  }
  if (err instanceof ApiError && (err.status === 403 || err.status === 404)) {
    local.set(`teams.${state.me.userId}`, knownTeams().filter((t) => t.teamId !== teamId));
    local.remove(`team.${state.me.userId}`);
  }
  leaveTeam();
  showTeamPicker();
  ui.showError('#team-error', err instanceof NetworkError ? new Error('The server cannot be reached; try again.') : err);
}

function leaveTeam() {
  flushReads();
  saveAllSnapshots();
  if (state.live) state.live.stop();
  state.live = null;
  state.generation += 1;
  state.teamId = null;
  state.team = null;
  state.channels = new Map();
  state.members = new Map();
  state.presence = new Map();
  state.currentId = null;
  state.typing = new Map();
}

/** What the live connection follows, and from where: member channels, and the open one. */
function followedPositions() {
  const positions = new Map();
  for (const st of state.channels.values()) {
    if (st.isMember || st.channelId === state.currentId) positions.set(st.channelId, st.seq);
  }
  return positions;
}

async function refreshMembers(generation = state.generation) {
  try {
    const members = await api.members(state.teamId);
    if (generation !== state.generation) return;
    state.members = new Map(members.map((m) => [m.userId, m]));
    for (const m of members) state.presence.set(m.userId, m.presence);
    if (state.me) state.presence.set(state.me.userId, 'online');
    renderMembers();
    if (state.currentId) redrawCurrent(); // names may have been unknown
  } catch (err) {
    console.warn('members not loaded:', err.message);
  }
}

let membersTimer = null;
function refreshMembersSoon() {
  clearTimeout(membersTimer);
  membersTimer = setTimeout(() => refreshMembers(), 500);
}

/** Picks up channels created or joined elsewhere; never moves a known channel's seq or unread count. */
async function refreshBoot() {
  const generation = state.generation;
  const boot = await api.boot(state.teamId);
  if (generation !== state.generation) return;
  state.team = boot.team;
  for (const c of boot.channels) {
    const st = state.channels.get(c.channelId);
    if (!st) {
      state.channels.set(c.channelId, newChannel(c, c.lastSeq));
      if (c.isMember) follow(state.channels.get(c.channelId));
    } else {
      st.name = c.name;
      if (c.isMember && !st.isMember) {
        st.isMember = true;
        follow(st);
      }
      st.isMember = c.isMember;
    }
  }
  renderChannelList();
}

function onReconnected(transport) {
  // Whatever happened while disconnected: new channels, presence that changed, a history load that failed.
  refreshBoot().catch((err) => console.warn('boot refresh failed:', err.message));
  refreshMembers();
  if (transport === 'sse') catchUpAll();
  const current = state.channels.get(state.currentId);
  if (current && !current.timeline && !current.loading) loadLatest(current);
}

/**
 * SSE only: the team stream was opened without a cursor, so it starts at each channel's present;
 * what happened between our seq and that point is read from GET /events.
 */
function catchUpAll() {
  for (const st of state.channels.values()) {
    if (st.isMember || st.channelId === state.currentId) st.catchUp();
  }
}

function follow(st) {
  if (state.live) state.live.follow(st.channelId, st.seq);
}

// --- events: what each one changes on screen ---------------------------------------------------

/** Every event of every followed channel; channel.js puts each channel's in order, once. */
function accept(event) {
  const st = state.channels.get(event.channelId);
  if (st) {
    st.receive(event);
  } else {
    // A channel we did not know of (created or joined elsewhere): learn it from boot; its seq
    // starts there, and the subscription it gets replays anything later.
    refreshBoot().catch(() => {});
  }
}

/** After channel.js applied an event: redraw, count it as unread, follow membership changes. */
function onApplied(st, event, changed) {
  const me = state.me.userId;
  if (st.timeline) {
    if (st.channelId === state.currentId && changed.length) list.upsert(changed.map((seq) => st.timeline.bySeq.get(seq)));
    saveSnapshotSoon(st);
  }
  switch (event.type) {
    case 'message.posted':
      if (event.userId === me) {
        renderPending(); // our own message is now shown at its seq; its pending echo goes
      } else {
        stopTyping(st.channelId, event.userId);
        if (st.isMember && event.seq > st.countedThrough) {
          if (viewing(st)) markReadSoon(st);
          else st.unread += 1;
        }
      }
      break;
    case 'member.joined':
      if (event.userId === me && !st.isMember) {
        st.isMember = true;
        renderComposerState();
      }
      if (!state.members.has(event.userId)) refreshMembersSoon();
      break;
    case 'member.left':
      if (event.userId === me) {
        st.isMember = false;
        renderComposerState();
      }
      break;
    default:
      break;
  }
  st.countedThrough = Math.max(st.countedThrough, event.seq);
  renderChannelListSoon();
}

// --- the open channel ----------------------------------------------------------------------------

function openChannel(channelId) {
  const st = state.channels.get(channelId);
  if (!st) return;
  const previous = state.channels.get(state.currentId);
  if (previous && previous !== st && !previous.isMember && state.live) state.live.unfollow(previous.channelId);
  state.currentId = channelId;
  session.set(`open.${state.teamId}`, channelId);
  setHash(state.teamId, channelId);
  ui.renderChannelHeader(st);
  list.reset();
  list.setCanPost(st.isMember);
  ui.renderComposer({ canPost: st.isMember, channelName: st.name });
  if (st.timeline) {
    list.upsert(st.timeline.sorted());
    list.setOlder({ hasMore: st.timeline.hasMore, loading: false });
    list.scrollToBottom();
  } else {
    loadLatest(st);
  }
  // A public channel we only read still needs a subscription of its own.
  if (!st.isMember) follow(st);
  st.unread = 0;
  renderChannelList();
  renderPending();
  renderTypingLine();
  markReadSoon(st, 0);
  ui.$('#composer-input').focus();
}

/** The channel's newest page and what happened since (channel.js), then shown if still open. */
async function loadLatest(st) {
  try {
    await st.loadLatest(HISTORY_PAGE);
  } catch (err) {
    if (st.channelId === state.currentId) {
      list.setOlder({ hasMore: false, loading: false });
      ui.toast(err instanceof NetworkError ? 'Offline: history will load on reconnect.' : `History: ${err.message}`);
    }
    return;
  }
  saveSnapshotSoon(st);
  if (st.channelId === state.currentId) {
    list.reset();
    list.upsert(st.timeline.sorted());
    list.setOlder({ hasMore: st.timeline.hasMore, loading: false });
    list.scrollToBottom();
    renderPending();
    markReadSoon(st, 0);
  }
}

/** Scroll-back paging (?before=), keeping the reader's place. */
async function loadOlder() {
  const st = state.channels.get(state.currentId);
  if (!st || !st.timeline || !st.timeline.hasMore || st.loadingOlder) return;
  list.setOlder({ hasMore: true, loading: true });
  try {
    const added = await st.loadOlder(HISTORY_PAGE);
    if (st.channelId === state.currentId) list.upsert(added.map((seq) => st.timeline.bySeq.get(seq)), { older: true });
  } catch (err) {
    ui.toast(`Older messages: ${err.message}`);
  } finally {
    if (st.channelId === state.currentId) list.setOlder({ hasMore: st.timeline.hasMore, loading: false });
  }
}

function redrawCurrent() {
  const st = state.channels.get(state.currentId);
  if (st && st.timeline) list.upsert(st.timeline.sorted());
}

function viewing(st) {
  return st.channelId === state.currentId && document.visibilityState === 'visible';
}

/**
 * Moves the read marker to what was on screen, so this channel's unread badge clears everywhere.
 * Debounced per channel (a burst of live messages makes one call), with the seq remembered when it
 * was seen, so switching channels at once still marks the one just seen; a page closed or reloaded
 * meanwhile sends it on its way out (flushReads).
 */
const readTimers = new Map();
function markReadSoon(st = state.channels.get(state.currentId), delay = 300) {
  if (!st || !st.isMember || !st.timeline || !viewing(st)) return;
  st.viewedSeq = Math.max(st.viewedSeq ?? -1, st.seq);
  st.unread = 0;
  if (readTimers.has(st.channelId)) return;
  readTimers.set(st.channelId, setTimeout(() => sendRead(st), delay));
}

async function sendRead(st, keepalive = false) {
  clearTimeout(readTimers.get(st.channelId));
  readTimers.delete(st.channelId);
  const seq = st.viewedSeq ?? -1;
  if (seq <= st.readSent || !navigator.onLine) return;
  st.readSent = seq; // optimistic: a failure is retried by the next call, which sends a seq at least as high
  try {
    await api.markRead(st.channelId, seq, { keepalive });
  } catch (err) {
    st.readSent = -1;
    console.warn('read marker not moved:', err.message);
  }
}

function flushReads() {
  for (const channelId of [...readTimers.keys()]) {
    const st = state.channels.get(channelId);
    if (st) sendRead(st, true);
  }
}

// --- sending and acting on messages --------------------------------------------------------------

function send() {
  const input = ui.$('#composer-input');
  const text = input.value.trim();
  const st = state.channels.get(state.currentId);
  if (!text || !st || !st.isMember) return;
  input.value = '';
  outbox.enqueue(st.channelId, text, state.me.userId);
}

function onAck(item, ack) {
  const st = state.channels.get(item.channelId);
  if (st && st.timeline) {
    const changed = st.timeline.addAcknowledged({
      seq: ack.seq, messageId: ack.messageId, clientMsgId: item.clientMsgId, userId: item.userId, text: item.text, ts: ack.ts,
    });
    if (item.channelId === state.currentId && changed.length) list.upsert(changed.map((seq) => st.timeline.bySeq.get(seq)));
  }
  renderPending();
}

/** Unsent messages of the open channel, less those the stream already showed at their seq. */
function renderPending() {
  const st = state.channels.get(state.currentId);
  if (!st) return;
  const shown = new Set();
  if (st.timeline) for (const m of st.timeline.bySeq.values()) if (m.clientMsgId && m.userId === state.me.userId) shown.add(m.clientMsgId);
  list.setPending(outbox.pending(st.channelId).filter((item) => !shown.has(item.clientMsgId)));
}

async function react(seq, emoji, mine) {
  try {
    if (mine) await api.unreact(state.currentId, seq, emoji);
    else await api.react(state.currentId, seq, emoji);
    // Shown when its event arrives, like everyone else's.
  } catch (err) {
    ui.toast(`Reaction: ${err.message}`);
  }
}

async function edit(seq, text) {
  const st = state.channels.get(state.currentId);
  try {
    const event = await api.edit(st.channelId, seq, text);
    // The answer is the message.edited event: show it now; its copy from the stream changes nothing.
    if (st.timeline && event && event.type === 'message.edited') list.upsert(st.timeline.apply(event).map((s) => st.timeline.bySeq.get(s)));
  } catch (err) {
    ui.toast(`Edit: ${err.message}`);
  }
}

async function remove(seq) {
  const st = state.channels.get(state.currentId);
  try {
    await api.deleteMessage(st.channelId, seq);
    if (st.timeline) list.upsert(st.timeline.apply({ type: 'message.deleted', messageSeq: seq }).map((s) => st.timeline.bySeq.get(s)));
  } catch (err) {
    ui.toast(`Delete: ${err.message}`);
  }
}

async function joinChannel(channelId) {
  try {
    await api.joinChannel(channelId);
    const st = state.channels.get(channelId);
    st.isMember = true;
    follow(st);
    openChannel(channelId);
  } catch (err) {
    ui.toast(`Join: ${err.message}`);
  }
}

// --- typing and presence -------------------------------------------------------------------------

function onTyping(channelId, userId) {
  if (!state.typing.has(channelId)) state.typing.set(channelId, new Map());
  const users = state.typing.get(channelId);
  clearTimeout(users.get(userId));
  users.set(userId, setTimeout(() => stopTyping(channelId, userId), TYPING_SHOWN_MS));
  if (channelId === state.currentId) renderTypingLine();
}

function stopTyping(channelId, userId) {
  const users = state.typing.get(channelId);
  if (!users || !users.has(userId)) return;
  clearTimeout(users.get(userId));
  users.delete(userId);
  if (channelId === state.currentId) renderTypingLine();
}

function renderTypingLine() {
  const users = state.typing.get(state.currentId);
  ui.renderTyping(users ? [...users.keys()].map(nameOf) : []);
}

function renderMembers() {
  ui.renderMembers([...state.members.values()], (id) => state.presence.get(id) || 'away', state.me && state.me.userId);
}

function nameOf(userId) {
  const member = state.members.get(userId);
  if (member) return member.displayName;
  if (state.me && userId === state.me.userId) return state.me.displayName;
  return userId ? `user ${String(userId).slice(0, 8)}` : '?';
}

// --- rendering helpers and snapshots -------------------------------------------------------------

function renderChannelList() {
  ui.renderChannels([...state.channels.values()], state.currentId, { open: openChannel, join: joinChannel });
}

let channelListFrame = 0;
function renderChannelListSoon() {
  if (channelListFrame) return;
  channelListFrame = requestAnimationFrame(() => {
    channelListFrame = 0;
    renderChannelList();
  });
}

function renderComposerState() {
  const st = state.channels.get(state.currentId);
  if (!st) return;
  ui.renderComposer({ canPost: st.isMember, channelName: st.name });
  const changed = list.canPost !== st.isMember;
  list.setCanPost(st.isMember);
  if (changed) redrawCurrent();
}

function snapshotKey(channelId) {
  return `ch.${state.me.userId}.${channelId}`;
}

const snapshotTimers = new Map();
function saveSnapshotSoon(st) {
  if (snapshotTimers.has(st.channelId)) return;
  snapshotTimers.set(st.channelId, setTimeout(() => {
    snapshotTimers.delete(st.channelId);
    saveSnapshot(st);
  }, 250));
}

function saveSnapshot(st) {
  if (!st.timeline || !state.me) return;
  session.set(snapshotKey(st.channelId), { seq: st.seq, ...st.timeline.toSnapshot() });
}

function saveAllSnapshots() {
  for (const [channelId, timer] of snapshotTimers) {
    clearTimeout(timer);
    snapshotTimers.delete(channelId);
  }
  for (const st of state.channels.values()) saveSnapshot(st);
}

init();
