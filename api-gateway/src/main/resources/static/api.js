// HTTP calls to the Backchannel API (shared/API.md), and nothing else: no state, no DOM.
//
// Every failure is one of two kinds, because the caller's reaction differs:
//  - NetworkError: the request may or may not have reached the server (offline, connection reset).
//    Safe to retry only when the call is idempotent; sends are, thanks to clientMsgId.
//  - ApiError: the server answered with a problem detail (RFC 9457). Its `status` tells whether a
//    retry can help (429, 5xx) or not (400, 403, 404, 409).

const REQUEST_TIMEOUT_MS = 20000;

export class NetworkError extends Error {
  constructor(cause) {
    super('network unreachable');
    this.name = 'NetworkError';
    this.cause = cause;
  }
}

export class ApiError extends Error {
  constructor(status, problem, retryAfterMs) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
    this.retryAfterMs = retryAfterMs;
  }

  /** Whether trying the same request again later may succeed. */
  get transient() {
    return this.status === 429 || this.status >= 500;
  }
}

/** A message id the server accepts (^[A-Za-z0-9_-]{1,64}$), unique enough to be a dedup key. */
export function newClientMsgId() {
  // randomUUID exists only in secure contexts (https, localhost); a gateway reached over plain http
  // by another host name still gets 122 random bits from getRandomValues.
  if (globalThis.crypto && typeof crypto.randomUUID === 'function') {
    return 'm-' + crypto.randomUUID();
  }
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return 'm-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export class Api {
  /** @param {string} baseUrl '' for the origin that served the page */
  constructor(baseUrl = '', token = null) {
    this.baseUrl = baseUrl;
    this.token = token;
  }

  async request(method, path, body, { keepalive = false } = {}) {
    // The browser knows it is offline: fail as the network would, without a request that can only fail.
    if (navigator.onLine === false) throw new NetworkError(new Error('offline'));
    const headers = { Accept: 'application/json' };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    // fetch has no deadline of its own; a request stuck on a dead connection must fail like any
    // network error, so that its caller retries (a send safely: same clientMsgId).
    const abort = new AbortController();
    const deadline = setTimeout(() => abort.abort(), REQUEST_TIMEOUT_MS);
    let response;
    let text;
    try {
      response = await fetch(this.baseUrl + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        // An API answer is never worth caching: history and boot change with every event.
        cache: 'no-store',
        // keepalive lets a request made while the page unloads (a last read marker) still go out.
        keepalive,
        signal: abort.signal,
      });
      text = await response.text();
    } catch (e) {
      throw new NetworkError(e);
    } finally {
      clearTimeout(deadline);
    }
    let json = null;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        json = { detail: text };
      }
    }
    if (!response.ok) {
      const retryAfter = Number(response.headers.get('Retry-After'));
      throw new ApiError(response.status, json, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined);
    }
    return { status: response.status, body: json };
  }

  async get(path) {
    return (await this.request('GET', path)).body;
  }

  // --- auth and teams -------------------------------------------------------------------------

  signUp(username, displayName) {
    return this.request('POST', '/api/auth/signup', { username, displayName }).then((r) => r.body);
  }

  /** -> {teamId, name, generalChannelId} */
  createTeam(name) {
    return this.request('POST', '/api/teams', { name }).then((r) => r.body);
  }

  /** -> {teamId, userId, generalChannelId}; joining twice is fine. */
  joinTeam(teamId) {
    return this.request('POST', `/api/teams/${enc(teamId)}/members`).then((r) => r.body);
  }

  boot(teamId) {
    return this.get(`/api/teams/${enc(teamId)}/boot`);
  }

  /** Every member of the team, page by page (the boot payload deliberately leaves them out). */
  async members(teamId) {
    const all = [];
    let after = null;
    // Bounded: a reference client lists at most 2,000 members.
    for (let page = 0; page < 10; page++) {
      const query = `limit=200${after ? `&after=${enc(after)}` : ''}`;
      const answer = await this.get(`/api/teams/${enc(teamId)}/members?${query}`);
      all.push(...answer.members);
      if (!answer.next) break;
      after = answer.next;
    }
    return all;
  }

  // --- channels ---------------------------------------------------------------------------------

  createChannel(teamId, name, isPrivate = false) {
    return this.request('POST', `/api/teams/${enc(teamId)}/channels`, { name, private: isPrivate }).then((r) => r.body);
  }

  joinChannel(channelId) {
    return this.request('POST', `/api/channels/${enc(channelId)}/members`, {}).then((r) => r.body);
  }

  /** The latest `limit` messages, or those before seq `before`: {messages, hasMore}. */
  history(channelId, { before, limit = 50 } = {}) {
    const query = [`limit=${limit}`];
    if (before !== undefined && before !== null) query.push(`before=${before}`);
    return this.get(`/api/channels/${enc(channelId)}/messages?${query.join('&')}`);
  }

  /** The raw event log after `after`: {events, hasMore}. */
  events(channelId, after, limit = 200) {
    return this.get(`/api/channels/${enc(channelId)}/events?after=${after}&limit=${limit}`);
  }

  /** -> {status: 201 (new) or 200 (a retry the server recognised), body: {messageId, seq, ts, clientMsgId}} */
  send(channelId, clientMsgId, text) {
    return this.request('POST', `/api/channels/${enc(channelId)}/messages`, { clientMsgId, text });
  }

  /** -> the message.edited event */
  edit(channelId, seq, text) {
    return this.request('PATCH', `/api/channels/${enc(channelId)}/messages/${seq}`, { text }).then((r) => r.body);
  }

  deleteMessage(channelId, seq) {
    return this.request('DELETE', `/api/channels/${enc(channelId)}/messages/${seq}`);
  }

  react(channelId, seq, emoji) {
    return this.request('POST', `/api/channels/${enc(channelId)}/messages/${seq}/reactions`, { emoji });
  }

  unreact(channelId, seq, emoji) {
    return this.request('DELETE', `/api/channels/${enc(channelId)}/messages/${seq}/reactions/${enc(emoji)}`);
  }

  markRead(channelId, seq, { keepalive = false } = {}) {
    return this.request('POST', `/api/channels/${enc(channelId)}/read`, { seq }, { keepalive });
  }

  // --- streams (URLs only: live.js opens them) --------------------------------------------------

  /** Browsers cannot set headers on WebSocket or EventSource, so the token rides in the query. */
  webSocketUrl() {
    const base = new URL(this.baseUrl || window.location.href);
    base.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
    base.pathname = '/api/ws';
    base.search = `access_token=${enc(this.token)}`;
    base.hash = '';
    return base.toString();
  }

  teamStreamUrl(teamId) {
    return `${this.baseUrl}/api/teams/${enc(teamId)}/stream?access_token=${enc(this.token)}`;
  }
}

function enc(value) {
  return encodeURIComponent(value);
}
