// JSON over Web Storage, under one prefix, never throwing: storage may be full or disabled
// (private browsing), and the client must then still work, only without surviving a reload.
//
// localStorage (kept across tabs and restarts): who you are (the token) and which teams you use.
// sessionStorage (this tab only, survives a reload): where each channel stands (last seq and the
// messages on screen) and unsent messages. Per tab, because two tabs are two independent readers.

const PREFIX = 'backchannel.';

function wrap(storeOf) {
  // Even reading window.localStorage throws where storage is disabled.
  let store;
  try {
    store = storeOf();
  } catch {
    store = null;
  }
  if (!store) return { get: () => null, set: () => false, remove: () => {}, keys: () => [] };
  return {
    get(key) {
      try {
        const raw = store.getItem(PREFIX + key);
        return raw === null ? null : JSON.parse(raw);
      } catch {
        return null;
      }
    },
    set(key, value) {
      try {
        store.setItem(PREFIX + key, JSON.stringify(value));
        return true;
      } catch {
        return false; // quota exceeded: the page works on, it only forgets more on reload
      }
    },
    remove(key) {
      try {
        store.removeItem(PREFIX + key);
      } catch {
        // nothing to do
      }
    },
    /** Every key under `prefix` (without the global prefix). */
    keys(prefix = '') {
      const keys = [];
      try {
        for (let i = 0; i < store.length; i++) {
          const key = store.key(i);
          if (key && key.startsWith(PREFIX + prefix)) keys.push(key.slice(PREFIX.length));
        }
      } catch {
        // storage unavailable
      }
      return keys;
    },
  };
}

export const local = wrap(() => window.localStorage);
export const session = wrap(() => window.sessionStorage);
