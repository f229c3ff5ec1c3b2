// Live updates: one WebSocket per team view, or one Server-Sent Events stream where WebSockets fail.
//
// This module only moves events; it never decides what they mean. The app tells it where each
// channel stands (`positions()`: channelId -> last seq applied) and it (re)subscribes from there,
// so a dropped connection resumes exactly where the page stopped. Dedup and gap filling are the
// app's job (it sees every event in seq order and drops any seq it already has), which is why a
// resume may safely replay a little too much but must never start too late.

const SSE_EVENT_TYPES = ['channel.created', 'member.joined', 'member.left', 'message.posted', 'message.edited',
  'message.deleted', 'reaction.added', 'reaction.removed'];

const PING_EVERY_MS = 20000;
const PONG_WITHIN_MS = 10000; // a connection silent this long after a ping is dead, however open it looks
const WS_FAILURES_BEFORE_SSE = 2;

export class Live {
  /**
   * @param {object} o
   * @param {import('./api.js').Api} o.api
   * @param {string} o.teamId
   * @param {() => Map<string, number>} o.positions member channels to follow and their last seq
   * @param {(event: object) => void} o.onEvent a channel event (any order across channels, seq order within one)
   * @param {(channelId: string, userId: string) => void} o.onTyping
   * @param {(userId: string, presence: string) => void} o.onPresence
   * @param {(channelId: string) => void} o.onJoined the user became a member of a channel of this team
   *   (added by someone, or joined elsewhere): the WebSocket says so, as it follows only known channels
   * @param {(status: {state: string, transport: string}) => void} o.onStatus
   * @param {(transport: string) => void} o.onConnected after every (re)connect, once subscriptions are sent
   * @param {() => Promise<boolean>} o.probe whether plain HTTP reaches the server (tells a broken WebSocket from a broken network)
   * @param {string} [o.transport] 'ws' (default, falls back to 'sse') or 'sse'
   */
  constructor(o) {
    Object.assign(this, { api: o.api, teamId: o.teamId, positions: o.positions, onEvent: o.onEvent,
      onTyping: o.onTyping, onPresence: o.onPresence, onJoined: o.onJoined, onStatus: o.onStatus,
      onConnected: o.onConnected,
      probe: o.probe });
    this.transport = o.transport === 'sse' ? 'sse' : 'ws';
    this.stopped = true;
    this.socket = null;
    this.source = null;
    this.attempt = 0; // consecutive failed connects, for backoff
    this.wsFailures = 0; // WebSocket attempts that failed while HTTP worked
    this.retryTimer = null;
    this.onOffline = () => this.suspend();
    this.onOnline = () => this.connectNow();
  }

  start() {
    this.stopped = false;
    window.addEventListener('offline', this.onOffline);
    window.addEventListener('online', this.onOnline);
    if (navigator.onLine) this.connect();
    else this.status('offline');
  }

  stop() {
    this.stopped = true;
    window.removeEventListener('offline', this.onOffline);
    window.removeEventListener('online', this.onOnline);
    clearTimeout(this.retryTimer);
    this.closeTransport();
  }

  /** Starts (or restarts) following a channel from `afterSeq`; a no-op in SSE mode, where the team stream covers member channels. */
  follow(channelId, afterSeq) {
    this.sendFrame({ type: 'subscribe', channelId, afterSeq });
  }

  unfollow(channelId) {
    this.sendFrame({ type: 'unsubscribe', channelId });
  }

  /** Typing is ephemeral and WebSocket-only: without a socket it is simply not shown to others. */
  typing(channelId) {
    this.sendFrame({ type: 'typing', channelId });
  }

  get connected() {
    return Boolean((this.socket && this.socket.ready) || (this.source && this.source.readyState === EventSource.OPEN));
  }

  // --- connection lifecycle --------------------------------------------------------------------

  status(state) {
    this.onStatus({ state, transport: this.transport });
  }

  connect() {
    if (this.stopped) return;
    this.closeTransport();
    this.status(this.attempt === 0 ? 'connecting' : 'reconnecting');
    if (this.transport === 'ws') this.openSocket();
    else this.openEventSource();
  }

  connectNow() {
    clearTimeout(this.retryTimer);
    this.attempt = 0;
    this.connect();
  }

  /**
   * The browser says the network is gone: close at once rather than wait for a timeout. An open
   * socket may otherwise look alive while nothing reaches it, and reconnecting while offline only
   * fills the console with failures.
   */
  suspend() {
    clearTimeout(this.retryTimer);
    this.closeTransport();
    if (!this.stopped) this.status('offline');
  }

  scheduleReconnect() {
    if (this.stopped) return;
    this.closeTransport();
    if (!navigator.onLine) {
      this.status('offline'); // the 'online' event reconnects
      return;
    }
    this.status('reconnecting');
    const delay = Math.min(10000, 500 * 2 ** this.attempt) * (0.5 + Math.random() / 2);
    this.attempt += 1;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  closeTransport() {
    if (this.socket) {
      const s = this.socket;
      this.socket = null;
      clearInterval(s.pinger);
      clearTimeout(s.deadline);
      s.ws.onclose = s.ws.onmessage = s.ws.onerror = s.ws.onopen = null;
      try {
        s.ws.close(1000, 'client closing');
      } catch {
        // already closed
      }
    }
    if (this.source) {
      this.source.close();
      this.source = null;
    }
  }

  // --- WebSocket ---------------------------------------------------------------------------------

  openSocket() {
    let ws;
    try {
      ws = new WebSocket(this.api.webSocketUrl());
    } catch {
      this.socketFailed(false);
      return;
    }
    const s = { ws, ready: false, pinger: null, deadline: null, pings: 0 };
    this.socket = s;
    ws.onmessage = (message) => {
      clearTimeout(s.deadline); // any frame proves the connection alive
      let frame;
      try {
        frame = JSON.parse(message.data);
      } catch {
        return;
      }
      this.onFrame(s, frame);
    };
    ws.onclose = () => {
      if (this.socket !== s) return;
      this.socketFailed(s.ready);
    };
  }

  onFrame(s, frame) {
    switch (frame.type) {
      case 'hello':
        s.ready = true;
        this.attempt = 0;
        this.wsFailures = 0;
        // Resume every channel exactly after the last seq this page applied.
        for (const [channelId, seq] of this.positions()) {
          this.sendFrame({ type: 'subscribe', channelId, afterSeq: seq });
        }
        s.pinger = setInterval(() => this.ping(s), PING_EVERY_MS);
        this.status('live');
        this.onConnected('ws');
        break;
      case 'event':
        this.onEvent(frame.event);
        break;
      case 'typing':
        this.onTyping(frame.channelId, frame.userId);
        break;
      case 'presence':
        if (frame.teamId === this.teamId) this.onPresence(frame.userId, frame.presence);
        break;
      case 'joined':
        if (frame.teamId === this.teamId) this.onJoined(frame.channelId);
        break;
      case 'resync': {
        // The server gave up buffering for us on this channel; follow it again from where the page stands.
        const seq = this.positions().get(frame.channelId);
        this.sendFrame({ type: 'subscribe', channelId: frame.channelId, afterSeq: seq ?? frame.afterSeq });
        break;
      }
      case 'error':
        // The connection stays open after an error frame; a refused typing or subscribe is not fatal.
        console.warn('server refused a frame:', frame.code, frame.message);
        break;
      default:
        break; // subscribed, pong, ack and anything newer: nothing to do
    }
  }

  ping(s) {
    if (this.socket !== s) return;
    this.sendFrame({ type: 'ping', id: ++s.pings });
    clearTimeout(s.deadline);
    s.deadline = setTimeout(() => {
      if (this.socket === s) this.scheduleReconnect();
    }, PONG_WITHIN_MS);
  }

  sendFrame(frame) {
    const s = this.socket;
    if (s && s.ready && s.ws.readyState === WebSocket.OPEN) s.ws.send(JSON.stringify(frame));
  }

  /**
   * A socket closed. If it never said hello and plain HTTP still works, something between us and the
   * server (a proxy, a policy) refuses WebSockets: after a couple of those, use SSE instead.
   */
  async socketFailed(wasReady) {
    this.closeTransport();
    if (this.stopped) return;
    if (!wasReady && navigator.onLine && (await this.probe().catch(() => false))) {
      this.wsFailures += 1;
      if (this.wsFailures >= WS_FAILURES_BEFORE_SSE) {
        console.info('WebSocket unavailable; falling back to Server-Sent Events');
        this.transport = 'sse';
        this.attempt = 0;
      }
    }
    this.scheduleReconnect();
  }

  // --- Server-Sent Events ------------------------------------------------------------------------

  openEventSource() {
    // The team stream multiplexes every member channel on one connection (browsers allow only a few
    // per host). Opened without a cursor it starts live, so the app fills the gap since its own
    // positions from GET /events in onConnected. Reconnects the browser makes by itself send
    // Last-Event-ID, and the server resumes every channel exactly from that cursor.
    const source = new EventSource(this.api.teamStreamUrl(this.teamId));
    this.source = source;
    const deliver = (message) => {
      try {
        this.onEvent(JSON.parse(message.data));
      } catch {
        // not an event we understand
      }
    };
    for (const type of SSE_EVENT_TYPES) source.addEventListener(type, deliver);
    source.onopen = () => {
      this.attempt = 0;
      this.status('live');
      this.onConnected('sse');
    };
    source.onerror = () => {
      if (this.source !== source) return;
      if (source.readyState === EventSource.CLOSED) this.scheduleReconnect(); // refused: the browser gave up
      else this.status('reconnecting'); // the browser retries by itself, with Last-Event-ID
    };
  }
}
