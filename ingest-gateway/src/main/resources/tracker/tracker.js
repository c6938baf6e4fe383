/*! clickstream.js: first-party tracker for a Clickstream gateway. No dependencies. */
(function (w, d) {
  'use strict';
  const VERSION = '1.0.7';
  const stub = w.clickstream;
  if (stub && stub.loaded) return;
  // Bounds: offline queue, batch bytes (browsers cap beacons and keepalive at 64 KB), the gateway's 32 KB per event,
  // 30-minute sessions, and stored events older than the gateway's 7-day limit are not sent.
  const MAX_Q = 500, MAX_Q_BYTES = 256e3, CHUNK = 6e4, KEEPALIVE = 64e3, MAX_EVENT = 32e3, SESSION = 18e5, MAX_AGE = 6 * 864e5;
  const DROP = [400, 401, 403, 413, 422];
  const SETTINGS = ['identify', 'reset', 'optIn', 'optOut'], CONSENT = ['optIn', 'optOut'], QUIET = ['anonymousId', 'stats', 'flush'];
  const me = d.currentScript || [].slice.call(d.scripts).reverse().find(s => /\/tracker(\/[\w-]+)?\.js/.test(s.src));
  const attr = n => (me && me.getAttribute('data-' + n)) || undefined;

  let cfg = null, ready = false, leaving = false, state = 'off', aid = null, uid = null, lastUrl = null, ref = d.referrer;
  let following = null, queued = null;
  let q = [], flying = [], flyingBytes = 0, beaconed = 0, handed = null, timer = 0, due = 0, attempt = 0, retryAt = 0;
  const pre = [], warned = {}, mem = {};

  // Storage that degrades to memory when localStorage is blocked (private modes, sandboxed frames) or full. A value
  // that could not be written is read back from memory, not from its stale stored copy, so the queue's bounds hold.
  const get = k => { if (k in mem) return mem[k]; try { return localStorage.getItem('cs:' + k); } catch (e) { return null; } };
  const set = (k, v) => { try { localStorage.setItem('cs:' + k, v); delete mem[k]; } catch (e) { mem[k] = v; } };
  const del = k => { delete mem[k]; try { localStorage.removeItem('cs:' + k); } catch (e) { /* memory only */ } };
  const json = s => { try { return JSON.parse(s); } catch (e) { return null; } };
  const text = v => { try { return JSON.stringify(v); } catch (e) { return undefined; } };
  const cookie = (name, v, days) => {
    if (v === undefined) {
      const m = d.cookie.match(new RegExp('(?:^|; )' + name + '=([^;]*)'));
      try { return m ? decodeURIComponent(m[1]) : null; } catch (e) { return null; } // not written by this script
    }
    d.cookie = name + '=' + encodeURIComponent(v) + '; path=/; max-age=' + days * 864e2 + '; SameSite=Lax' + (location.protocol === 'https:' ? '; Secure' : '');
  };
  // The visitor's choice is kept in a cookie too: where localStorage is blocked (WebViews without DOM storage), an
  // opt-out held only in the page's memory would be forgotten on the next page.
  const consent = v => { set('consent', v); cookie('cs_consent', v, 365); };
  const consented = () => cookie('cs_consent') || get('consent');
  const warn = (k, m) => { if (!warned[k]) { warned[k] = 1; console.warn('clickstream: ' + m); } };
  const bytes = s => new Blob([s]).size;
  const cut = (s, n) => s == null ? undefined : String(s).slice(0, n);
  const num = x => (x === null || x === '' || !isFinite(x) ? undefined : +x);
  const rnd = () => w.crypto && crypto.getRandomValues ? crypto.getRandomValues(new Uint8Array(1))[0] & 15 : Math.random() * 16 | 0;
  const uuid = () => w.crypto && crypto.randomUUID ? crypto.randomUUID()
    : 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, c => (c === 'x' ? rnd() : rnd() & 3 | 8).toString(16));

  function anonId() {
    let id = get('aid') || cookie('cs_aid');
    if (!id || id.length > 128) id = uuid();
    if (get('aid') !== id) set('aid', id);
    if (cookie('cs_aid') !== id) cookie('cs_aid', id, 365);
    return id;
  }

  // The user id is kept in a cookie too, as the anonymous id is: where localStorage is blocked (WebViews without DOM
  // storage), an identify would otherwise hold for its own page only.
  const storedUid = () => get('uid') || cookie('cs_uid');
  function keepUid() {
    if (uid) { set('uid', uid); cookie('cs_uid', uid, 365); } else { del('uid'); cookie('cs_uid', '', 0); }
  }

  // Where localStorage is blocked the session is kept in a cookie, which lapses with it. Once one reads back, the cookie
  // alone holds the session, as storage does elsewhere: the site's pages and tabs go on with one session, and a reset()
  // on another page holds on this one too.
  let sidCookie = false;
  function session() {
    const now = Date.now();
    const s0 = json(sidCookie ? cookie('cs_sid') : get('session') || cookie('cs_sid'));
    const s = s0 && typeof s0.id === 'string' && s0.id.length <= 128 && now - s0.t <= SESSION ? s0 : { id: uuid() };
    s.t = now;
    const v = JSON.stringify(s);
    set('session', v);
    if ('session' in mem) { cookie('cs_sid', v, SESSION / 864e5); sidCookie = cookie('cs_sid') === v; } else sidCookie = false;
    return s.id;
  }

  // The persistent queue is shared by the site's tabs: always re-read before writing so none overwrites another.
  const qkey = () => 'q:' + cfg.writeKey;
  const stored = () => { const a = json(get(qkey())); return Array.isArray(a) ? a : []; };
  function save(list) {
    let s = JSON.stringify(list);
    const gone = {}; let n = 0;
    while (list.length > MAX_Q || s.length > MAX_Q_BYTES) {
      list.splice(0, Math.max(list.length - MAX_Q, Math.ceil(list.length / 10))).forEach(e => { gone[e.event_id] = 1; n++; });
      s = JSON.stringify(list);
    }
    if (n) {
      q = q.filter(e => !gone[e.event_id]);
      set('drops', (+get('drops') || 0) + n);
      warn('full', 'offline queue full, dropped the oldest events');
    }
    if (list.length) set(qkey(), s); else del(qkey());
  }
  const without = (list, gone) => { const o = {}; gone.forEach(e => { o[e.event_id] = 1; }); return list.filter(e => !o[e.event_id]); };
  function store(events) {
    const list = stored();
    save(list.concat(without(events, list)));
  }
  const unstore = events => save(without(stored(), events));

  function schedule(ms) {
    const t = Date.now() + ms;
    if (timer && due <= t) return;
    clearTimeout(timer); due = t;
    timer = setTimeout(() => { timer = 0; flush(); }, ms);
  }

  // The next batch: at most 100 events and ~60 KB, under the browsers' 64 KB cap on beacons and keepalive.
  function chunk(limit) {
    let size = 2, i = 0;
    for (; i < q.length && i < 100; i++) {
      const n = bytes(JSON.stringify(q[i])) + 50;
      if (i && size + n > limit) break;
      size += n;
    }
    const c = q.slice(0, i);
    if (following && c.indexOf(following.e) >= 0) following.stop(); // its title goes as sent
    return c;
  }
  const body = c => { const now = new Date().toISOString(); return JSON.stringify(c.map(e => Object.assign({}, e, { sent_at: now }))); };
  const url = () => cfg.host + '/v1/events?writeKey=' + encodeURIComponent(cfg.writeKey);

  // The gateway's backoff is the site's, not the page's: a Retry-After seen by one page or tab holds for the next page
  // and the other tabs too, which would otherwise send the stored queue at once, each, into the outage.
  // A wait over an hour away was written by a clock since set back: forgotten, not waited for.
  const rkey = () => 'retry:' + cfg.writeKey;
  function shared() {
    const r = json(get(rkey())), now = Date.now();
    if (r && r.at > now + 36e5 + 6e4) return del(rkey());
    if (r && r.at > now && r.at > retryAt) { retryAt = r.at; attempt = Math.max(attempt, r.n | 0); }
  }

  // An opt-out made in another tab: where storage is blocked no storage event tells this one, the cookie does.
  function optedOutElsewhere() {
    if (state === 'on' && 'aid' in mem && cookie('cs_consent') === 'denied') { state = 'out'; clear(); }
  }

  function flush(hiding) {
    optedOutElsewhere();
    if (state !== 'on') return;
    shared();
    if (hiding) {
      // While sends fail, a beacon would be lost unseen: the queue stays stored for the next page to retry.
      if (attempt > 0 || navigator.onLine === false) return;
      // A keepalive request in flight may still arrive, but browsers do not promise it once the page goes (one not yet
      // started is dropped). Its events stay stored and lead the beacons, so whichever copy arrives first arrives in
      // order; a repeat has the same event_id, which silver drops.
      if (flying.length && handed !== flying) { handed = flying; q = flying.concat(q); }
      // The 64 KB cap covers every keepalive body in flight, and a browser may accept a beacon over it only to
      // drop it: what does not fit stays stored for the next page.
      while (q.length && navigator.sendBeacon) {
        const room = KEEPALIVE - beaconed - (flying.length ? flyingBytes : 0), c = chunk(Math.min(CHUNK, room)), b = body(c);
        const n = bytes(b);
        if (n > room || !navigator.sendBeacon(url(), new Blob([b], { type: 'text/plain' }))) break;
        beaconed += n; q = q.slice(c.length); unstore(c);
      }
      return;
    }
    if (!q.length || flying.length) return;
    if (Date.now() < retryAt) return schedule(retryAt - Date.now());
    const c = flying = chunk(CHUNK), b = body(c);
    flyingBytes = bytes(b); q = q.slice(c.length);
    fetch(url(), { method: 'POST', keepalive: true, credentials: 'omit', headers: { 'Content-Type': 'text/plain;charset=UTF-8' }, body: b })
      .then(r => done(c, r.status, r.headers.get('Retry-After')), () => done(c, 0));
  }

  function done(c, status, retryAfter) {
    flying = [];
    // An unloading page sees its keepalive request fail whether or not the browser delivers it. A batch in flight on
    // page hide went back to the head of the queue: only a page that is still alive takes it out on success.
    const gone = c === handed, ok = status >= 200 && status < 300;
    if (gone) handed = null;
    if (state !== 'on' || (gone && !ok && leaving)) return;
    if (ok || DROP.indexOf(status) >= 0) {
      if (!ok) warn(status, 'the gateway refused ' + c.length + ' events (HTTP ' + status + '); they are dropped');
      unstore(c); attempt = 0; retryAt = 0; del(rkey());
      if (gone) q = without(q, c);
    } else {
      if (!gone) { q = c.concat(q); store(c); }
      const base = Math.min(6e4, 1e3 * Math.pow(2, attempt++));
      // Retry-After honoured up to an hour: a wait past setTimeout's range would fire at once, over and over.
      retryAt = Date.now() + Math.max(base / 2 + Math.random() * base / 2, Math.min(3600, parseInt(retryAfter, 10) || 0) * 1e3);
      set(rkey(), JSON.stringify({ at: retryAt, n: attempt }));
    }
    if (q.length) schedule(Math.max(0, retryAt - Date.now()));
  }

  function enqueue(e) {
    if (bytes(JSON.stringify(e)) > MAX_EVENT) return warn('big', 'an event over 32 KB was dropped');
    q.push(e); store([e]);
    queued = e;
    // Tracked as the page goes (in a page's own pagehide handler, run after this one's): no timer fires any more.
    if (leaving) return flush(true);
    schedule(q.length >= cfg.batchSize ? 0 : cfg.flushInterval);
  }

  // sku, or Segment's product_id, or id: the names shops already use for it.
  function product(p) {
    const sku = p && [p.sku, p.product_id, p.id].find(v => v != null && v !== '');
    if (sku == null) return null;
    return { sku: cut(sku, 128), name: cut(p.name, 256), category: cut(p.category, 256),
      price: num(p.price), quantity: num(p.quantity) === undefined ? undefined : Math.round(p.quantity) };
  }
  function commerce(products, o) {
    o = o || {};
    const c = { order_id: cut(o.order_id, 128), revenue: num(o.revenue),
      currency: /^[A-Za-z]{3}$/.test(o.currency) ? o.currency.toUpperCase() : undefined };
    if (products) c.products = [].concat(products).map(product).filter(Boolean).slice(0, 100);
    return c;
  }
  // A cart line: the quantity passed, else the product's own, else 1.
  const line = (p, qty) => Object.assign({}, p, { quantity: qty != null ? qty : p && p.quantity != null ? p.quantity : 1 });
  // Property values stay scalar or shallow (the contract); deeper values travel as JSON text.
  const deep = (v, n) => v !== null && typeof v === 'object' && (n > 2 || Object.keys(v).some(k => deep(v[k], n + 1)));
  // A value JSON cannot hold (a cycle, a BigInt) is left out with a warning, not thrown into the page's code.
  function props(p) {
    if (!p || typeof p !== 'object') return undefined;
    const o = {}; let n = 0;
    Object.keys(p).forEach(k => {
      const v = p[k], s = typeof v === 'function' ? undefined : text(v);
      if (v === undefined || typeof v === 'function' || n >= 50) return;
      if (s === undefined) return warn('p' + k, 'property "' + k + '" is not JSON and was left out');
      o[k.slice(0, 64)] = deep(v, 1) ? s : v; n++;
    });
    return n ? o : undefined;
  }

  function track(type, properties, com) {
    optedOutElsewhere();
    if (state !== 'on') return;
    type = String(type).toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
    if (!/^[a-z][a-z0-9_]{0,63}$/.test(type)) return warn('t' + type, 'invalid event type "' + type + '"');
    // An event tracked in the task that changed the route belongs to the new page: its page view goes first.
    if (type !== 'page_view' && ready && cfg.autoPageView && lastUrl !== null && here() !== lastUrl) newPage();
    let tz; try { tz = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { /* old browsers */ }
    enqueue({
      event_id: uuid(), event_type: type, site_id: cfg.siteId, anonymous_id: aid, user_id: uid || undefined,
      session_id: session(), occurred_at: new Date().toISOString(),
      page: { url: cut(location.href, 2048), path: cut(location.pathname + route().split('?')[0], 1024), title: cut(d.title, 512), referrer: cut(ref, 2048) || undefined },
      context: { locale: cut(navigator.language, 35), timezone: cut(tz, 64), screen: { width: screen.width, height: screen.height },
        library: { name: 'clickstream.js', version: VERSION } },
      commerce: com, properties: props(properties)
    });
  }

  // One page view per URL: SPA routers often call replaceState for the URL they are already on. A fragment is in-page,
  // but for hash routers (#/cart, #!/cart), which keep the page there: then it is part of the page and its path.
  // "#/" alone is the router's start page, the page itself (routers rewrite "/" to "/#/" as they start); a second "#"
  // is an anchor within the route.
  const route = () => { const r = location.hash.split('#')[1] || ''; return /^!?\/./.test(r) ? '#' + r : ''; };
  const here = () => location.href.split('#')[0] + route();
  function page(properties) {
    if (lastUrl !== null && lastUrl !== here()) ref = lastUrl;
    lastUrl = here();
    track('page_view', properties);
  }
  // A router changes the URL before the new route renders and sets its title, sometimes after fetching its data: the
  // page view takes the title's changes until it is taken into a batch, for 1.5 s at most and while the URL stays.
  // Checked a task later: a router that sets the next route's title before changing the URL has changed it by then.
  function follow(e) {
    if (following) following.stop();
    if (!e || !w.MutationObserver || !d.head) return;
    const at = here(), f = { e, stop() { watch.disconnect(); clearTimeout(end); if (following === f) following = null; } };
    const retitle = () => {
      if (following !== f || here() !== at) return f.stop();
      const title = cut(d.title, 512);
      if (title === e.page.title) return;
      e.page.title = title;
      save(stored().map(x => (x.event_id === e.event_id ? e : x)));
    };
    const watch = new MutationObserver(() => setTimeout(retitle, 0)), end = setTimeout(f.stop, 1500);
    watch.observe(d.head, { subtree: true, childList: true, characterData: true });
    following = f;
  }
  function newPage() { queued = null; page(); follow(queued); }
  const changed = () => setTimeout(() => {
    if (!ready || state !== 'on' || !cfg.autoPageView || here() === lastUrl) return;
    newPage();
  }, 0);

  // Another page of the site may have sent the stored events, or reset the visitor, while this one was in the
  // back/forward cache: storage, not this page's memory, says what is left to send and who the visitor is.
  function resync() {
    // Where storage is blocked this page's memory holds its own old ids: the cookies, which every page sees, decide.
    delete mem.aid; delete mem.uid;
    const left = {};
    stored().forEach(e => { left[e.event_id] = 1; });
    q = q.filter(e => left[e.event_id]);
    aid = anonId(); uid = storedUid();
  }

  function start() {
    aid = anonId(); uid = storedUid() || uid;
    if (uid) keepUid();
    const old = Date.now() - MAX_AGE;
    q = stored().filter(e => Date.parse(e.occurred_at) > old);
    shared();
    if (q.length) schedule(Math.max(0, retryAt - Date.now()));
  }

  function clear() {
    q = []; flying = []; aid = uid = null;
    try { Object.keys(localStorage).forEach(k => { if (k.indexOf('cs:') === 0 && k !== 'cs:consent') localStorage.removeItem(k); }); } catch (e) { /* memory only */ }
    Object.keys(mem).forEach(k => { if (k !== 'consent') delete mem[k]; });
    ['cs_aid', 'cs_uid', 'cs_sid'].forEach(c => cookie(c, '', 0));
  }

  const api = {
    loaded: true, version: VERSION,
    init(o) {
      if (cfg) return;
      o = Object.assign({ writeKey: attr('write-key'), siteId: attr('site-id'), host: attr('host'), consent: attr('consent'),
        flushInterval: attr('flush-interval') }, o);
      if (!o.writeKey) return warn('key', 'init needs a writeKey');
      cfg = { writeKey: o.writeKey, siteId: o.siteId, consent: o.consent, autoPageView: o.autoPageView !== false,
        host: String(o.host || (me && me.src ? new URL(me.src, location.href).origin : location.origin)).replace(/\/+$/, ''),
        flushInterval: +o.flushInterval || 1000, batchSize: +o.batchSize || 50 };
      const c = consented();
      state = c === 'denied' ? 'out' : c === 'granted' || cfg.consent !== 'pending' ? 'on' : 'pending';
      if (state === 'on') start();
      // Consent, and the identify or reset made before any other call, apply to the first page view; the rest keep
      // their order (a track then a reset on a logout page: the track is the user's).
      const calls = pre.splice(0), other = calls.findIndex(a => SETTINGS.indexOf(a[0]) < 0 && QUIET.indexOf(a[0]) < 0);
      const first = (a, i) => CONSENT.indexOf(a[0]) >= 0 || (SETTINGS.indexOf(a[0]) >= 0 && (other < 0 || i < other));
      calls.filter(first).forEach(a => api[a[0]].apply(api, a[1]));
      ready = true;
      if (state === 'on' && cfg.autoPageView) newPage();
      calls.filter((a, i) => !first(a, i)).forEach(a => api[a[0]].apply(api, a[1]));
    },
    track: (type, properties, com) => track(type, properties, com && commerce(com.products, com)),
    page,
    identify(userId) {
      uid = userId == null ? null : cut(userId, 128);
      if (state === 'on') keepUid();
    },
    reset() {
      uid = null; ['uid', 'aid', 'session'].forEach(del); ['cs_aid', 'cs_uid', 'cs_sid'].forEach(c => cookie(c, '', 0));
      if (state === 'on') aid = anonId();
    },
    optOut() { state = 'out'; clear(); consent('denied'); },
    optIn() {
      consent('granted');
      if (state === 'on') return;
      state = 'on'; start();
      if (ready && cfg.autoPageView) newPage();
    },
    flush: () => flush(),
    productView: (p, properties) => track('product_view', properties, commerce([p], p)),
    addToCart: (p, qty, properties) => track('add_to_cart', properties, commerce([line(p, qty)], p)),
    removeFromCart: (p, qty, properties) => track('remove_from_cart', properties, commerce([line(p, qty)], p)),
    checkoutStart: (products, o) => track('checkout_start', o && o.properties, commerce(products, o)),
    purchase(o) {
      o = o || {};
      const c = commerce(o.products, o);
      // As silver counts it: price × quantity (a missing quantity is 1), and only if some line has a price.
      if (c.revenue === undefined && c.products && c.products.some(p => p.price !== undefined)) {
        c.revenue = Math.round(c.products.reduce((s, p) => s + (p.price || 0) * (p.quantity === undefined ? 1 : p.quantity), 0) * 100) / 100;
      }
      track('purchase', o.properties, c);
    },
    anonymousId: () => aid,
    stats: () => ({ queued: q.length + (flying === handed ? 0 : flying.length), dropped: +get('drops') || 0, failures: attempt })
  };
  // Calls made before init (or before this file loaded, through the snippet's stub) wait for init.
  Object.keys(api).forEach(k => {
    const f = api[k];
    if (typeof f === 'function' && k !== 'init') api[k] = function () { if (!cfg) { pre.push([k, [].slice.call(arguments)]); return; } return f.apply(api, arguments); };
  });

  w.clickstream = api;
  ['pushState', 'replaceState'].forEach(m => {
    const orig = history[m];
    history[m] = function () { const r = orig.apply(this, arguments); changed(); return r; };
  });
  w.addEventListener('popstate', changed);
  w.addEventListener('hashchange', changed);
  w.addEventListener('pagehide', () => { leaving = true; flush(true); });
  // A page restored from the back/forward cache is shown again without loading: a page view all the same.
  w.addEventListener('pageshow', e => {
    leaving = false; beaconed = 0;
    if (!e.persisted || !ready) return;
    // An opt-out made on another page since: where storage is blocked, no storage event told this one.
    if (state !== 'out' && consented() === 'denied') { state = 'out'; clear(); }
    if (state !== 'on') return;
    resync();
    if (cfg.autoPageView) newPage();
  });
  d.addEventListener('visibilitychange', () => { if (d.visibilityState === 'hidden') flush(true); else beaconed = 0; });
  // Back online: a wait the network's absence caused is over, for the site's other tabs too.
  w.addEventListener('online', () => { retryAt = attempt = 0; if (cfg) del(rkey()); flush(); });
  // Consent is the visitor's, not the tab's: an opt-out in another of the site's tabs stops this one as well.
  // So are the anonymous and user ids: a reset or an identify in another tab holds in this one too.
  w.addEventListener('storage', e => {
    if (e.key === 'cs:consent' && e.newValue === 'denied' && state !== 'out') { state = 'out'; clear(); }
    if (state !== 'on') return;
    if (e.key === 'cs:aid' && e.newValue) aid = e.newValue;
    if (e.key === 'cs:uid') uid = e.newValue;
  });
  // Capture phase: runs before the page's own handlers navigate away or stop propagation.
  d.addEventListener('click', e => {
    const el = e.target && e.target.closest && e.target.closest('[data-cs-click]');
    if (!el) return;
    api.track('click', { name: el.getAttribute('data-cs-click') || undefined, text: cut((el.innerText || el.value || '').trim(), 200) || undefined,
      href: el.href ? cut(el.href, 2048) : undefined, element_id: el.id || undefined });
  }, true);

  // The stub's calls wait for init like any made before it: an identify or reset then applies to the first page view.
  const calls = Array.isArray(stub) ? stub.slice() : [];
  const init = calls.filter(a => a[0] === 'init');
  calls.filter(a => a[0] !== 'init' && api[a[0]]).forEach(a => pre.push([a[0], a.slice(1)]));
  if (init.length || attr('write-key')) api.init(init.length ? init[0][1] : undefined);
})(window, document);
