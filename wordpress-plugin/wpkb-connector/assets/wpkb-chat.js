/*!
 * wpkb chat widget — <wpkb-chat endpoint="…" [token-url="…"] [mode="inline|bubble"] [lang="es"] [strings='{…}']>
 * One plain file, no build step, no external requests but the two URLs it is given. Served by the
 * WordPress plugin (wpkb-connector) and by `wpkb serve` from this same file. Docs: docs/widget.md.
 *
 * Safety: text from the model or the site is only ever put in the page with textContent and
 * createElement (never innerHTML); links are kept only when they are absolute http(s) URLs.
 */
(() => {
  if (typeof window === 'undefined' || !window.customElements || window.customElements.get('wpkb-chat'))
    return;

  const MESSAGE_MAX = 2000;
  const SESSION_ID = /^[0-9a-zA-Z._:-]{2,100}$/;
  /** Control characters other than tab and newline, U+FFFD (undecodable bytes), lone surrogates. */
  const NOT_TEXT = /[^\P{Cc}\t\n]|\p{Cs}|\uFFFD/u;
  const REQUEST_TIMEOUT_MS = 60000;
  const TRANSCRIPT_MAX = 40;
  const SVG_NS = 'http://www.w3.org/2000/svg';

  const STRINGS = {
    es: {
      title: 'Asistente virtual',
      greeting: '¡Hola! Soy el asistente virtual del sitio. ¿En qué te puedo ayudar?',
      inputLabel: 'Escribe tu pregunta',
      placeholder: 'Escribe tu pregunta…',
      send: 'Enviar',
      newConversation: 'Nueva conversación',
      open: 'Abrir el asistente virtual',
      close: 'Cerrar el asistente virtual',
      log: 'Conversación con el asistente',
      you: 'Tú:',
      assistant: 'Asistente:',
      typing: 'escribiendo…',
      sources: 'Fuentes:',
      empty: 'Escribe una pregunta antes de enviar.',
      tooLong:
        'Tu mensaje es muy largo: puede tener hasta {max} caracteres y tiene {n}. Acórtalo, por favor.',
      notText: 'Tu mensaje tiene caracteres que no son texto. Escríbelo de nuevo, por favor.',
      busy: 'Hay muchas consultas en este momento. Espera unos segundos y vuelve a intentarlo.',
      serverError: 'El asistente no pudo responder ahora. Inténtalo de nuevo en un momento.',
      network: 'No hay conexión con el asistente. Revisa tu conexión a internet e inténtalo de nuevo.',
      timeout: 'El asistente tardó demasiado en responder. Inténtalo de nuevo.',
      badRequest: 'No pude enviar ese mensaje. Revisa que sea texto de hasta {max} caracteres.',
      unavailable: 'El asistente no está disponible en este momento. Inténtalo más tarde.',
      emptyAnswer: 'El asistente no encontró una respuesta. Prueba a preguntarlo de otra forma.',
      newStarted: 'Comenzaste una nueva conversación.',
    },
    en: {
      title: 'Virtual assistant',
      greeting: 'Hi! I am the site’s virtual assistant. How can I help you?',
      inputLabel: 'Type your question',
      placeholder: 'Type your question…',
      send: 'Send',
      newConversation: 'New conversation',
      open: 'Open the virtual assistant',
      close: 'Close the virtual assistant',
      log: 'Conversation with the assistant',
      you: 'You:',
      assistant: 'Assistant:',
      typing: 'typing…',
      sources: 'Sources:',
      empty: 'Type a question before sending.',
      tooLong: 'Your message is too long: at most {max} characters, it has {n}. Please shorten it.',
      notText: 'Your message contains characters that are not text. Please type it again.',
      busy: 'The assistant is receiving many questions right now. Wait a few seconds and try again.',
      serverError: 'The assistant could not answer right now. Please try again in a moment.',
      network: 'The assistant cannot be reached. Check your internet connection and try again.',
      timeout: 'The assistant took too long to answer. Please try again.',
      badRequest: 'That message could not be sent. It must be text of at most {max} characters.',
      unavailable: 'The assistant is not available right now. Please try later.',
      emptyAnswer: 'The assistant found no answer. Try asking in another way.',
      newStarted: 'You started a new conversation.',
    },
  };

  const CSS = `
:host { all: initial; display: block; font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: #1d2327; --wpkb-accent: #1f5fa8; --wpkb-accent-text: #fff; --wpkb-bg: #fff; --wpkb-bot: #f0f2f4; }
:host([mode="bubble"]) { position: fixed; right: 16px; bottom: 16px; z-index: 2147483000; }
* { box-sizing: border-box; }
.sr { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.panel { display: flex; flex-direction: column; height: 100%; min-height: 20rem; background: var(--wpkb-bg);
  border: 1px solid #c3c4c7; border-radius: 12px; overflow: hidden; }
:host([mode="bubble"]) .panel { position: absolute; right: 0; bottom: 72px; width: min(24rem, calc(100vw - 32px));
  height: min(36rem, calc(100vh - 120px)); box-shadow: 0 8px 28px rgba(0,0,0,.22); }
:host([mode="bubble"]) .panel[hidden] { display: none; }
header { display: flex; align-items: center; gap: 8px; padding: 8px 8px 8px 14px; background: var(--wpkb-accent);
  color: var(--wpkb-accent-text); }
h2 { flex: 1; margin: 0; font-size: 1rem; font-weight: 600; }
button { font: inherit; cursor: pointer; min-height: 44px; border-radius: 8px; }
header button { background: transparent; color: inherit; border: 1px solid rgba(255,255,255,.7); padding: 4px 10px;
  font-size: .875rem; }
.log { flex: 1; overflow-y: auto; padding: 12px; display: flex; flex-direction: column; gap: 10px;
  overscroll-behavior: contain; }
.msg { max-width: 88%; padding: 8px 12px; border-radius: 12px; overflow-wrap: anywhere; }
.msg p { margin: 0 0 .5em; } .msg p:last-child { margin-bottom: 0; }
.msg ul, .msg ol { margin: 0 0 .5em; padding-left: 1.3em; }
.user { align-self: flex-end; background: var(--wpkb-accent); color: var(--wpkb-accent-text); white-space: pre-wrap; }
.bot { align-self: flex-start; background: var(--wpkb-bot); }
.error { align-self: stretch; max-width: none; background: #fcf0f1; color: #8a2424; border: 1px solid #f0b8b8; }
.typing { font-style: italic; color: #50575e; }
.sources { margin-top: .5em; font-size: .875rem; }
.sources p { margin: 0; font-weight: 600; }
.sources ul { margin: .25em 0 0; }
a { color: #1a4f8b; text-decoration: underline; }
.bot a { overflow-wrap: anywhere; }
form { display: flex; gap: 8px; padding: 10px; border-top: 1px solid #dcdcde; background: var(--wpkb-bg); }
textarea { flex: 1; min-width: 0; resize: none; font: inherit; font-size: 16px; padding: 10px; border: 1px solid #8c8f94;
  border-radius: 8px; min-height: 44px; max-height: 8rem; color: inherit; background: #fff; }
form button { background: var(--wpkb-accent); color: var(--wpkb-accent-text); border: 0; padding: 0 16px; font-weight: 600; }
form button[aria-disabled="true"] { opacity: .6; cursor: progress; }
.launcher { width: 60px; height: 60px; border-radius: 50%; border: 0; background: var(--wpkb-accent);
  color: var(--wpkb-accent-text); box-shadow: 0 4px 16px rgba(0,0,0,.25); display: grid; place-items: center; }
.launcher svg { width: 28px; height: 28px; fill: currentColor; }
:focus { outline: none; }
:focus-visible, textarea:focus { outline: 3px solid #f0b849; outline-offset: 2px; box-shadow: 0 0 0 5px #1d2327; }
.log:focus-visible { outline-offset: -3px; box-shadow: inset 0 0 0 5px #1d2327; }
@media (max-width: 480px) {
  :host([mode="bubble"]) { right: 12px; bottom: 12px; }
  :host([mode="bubble"]) .panel { position: fixed; inset: 8px 8px 84px 8px; width: auto; height: auto; }
  .msg { max-width: 94%; }
}
@media (prefers-reduced-motion: no-preference) { .log { scroll-behavior: smooth; } }
`;

  /** createElement with attributes and children (strings become text nodes, never HTML). */
  function h(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === false || value === undefined || value === null) continue;
      node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children) if (child !== undefined && child !== null) node.append(child);
    return node;
  }

  /** An absolute http(s) URL, else undefined: no javascript:, data: or relative tricks. */
  function safeUrl(text) {
    try {
      const url = new URL(String(text));
      return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
    } catch {
      return undefined;
    }
  }

  function link(href, label) {
    const url = safeUrl(href);
    return url ? h('a', { href: url }, label) : document.createTextNode(label);
  }

  const INLINE = /\*\*([^*\n]+)\*\*|\[([^\]\n]+)\]\(([^)\s]+)\)|(https?:\/\/[^\s<>()]*[^\s<>().,;:!?'"»])/g;

  /** `**bold**`, `[label](url)` and bare URLs inside one line; everything else is plain text. */
  function renderInline(parent, text) {
    let last = 0;
    for (const m of text.matchAll(INLINE)) {
      if (m.index > last) parent.append(text.slice(last, m.index));
      if (m[1] !== undefined) parent.append(h('strong', null, m[1]));
      else if (m[2] !== undefined) parent.append(link(m[3], m[2]));
      else parent.append(link(m[4], m[4]));
      last = m.index + m[0].length;
    }
    if (last < text.length) parent.append(text.slice(last));
  }

  /** Markdown-ish answer → paragraphs, line breaks and lists, built node by node. */
  function renderAnswer(parent, text) {
    for (const block of String(text)
      .replace(/\r\n?/g, '\n')
      .split(/\n{2,}/)) {
      let list = null;
      let para = null;
      for (const line of block.split('\n')) {
        const item = /^\s*(?:[-*•]|(\d{1,3})[.)])\s+(.*)$/.exec(line);
        if (item) {
          const kind = item[1] ? 'ol' : 'ul';
          if (!list || list.localName !== kind) {
            list = h(kind);
            parent.append(list);
          }
          const li = h('li');
          renderInline(li, item[2]);
          list.append(li);
          para = null;
        } else if (line.trim()) {
          list = null;
          if (para) para.append(h('br'));
          else {
            para = h('p');
            parent.append(para);
          }
          renderInline(para, line.trim());
        }
      }
    }
  }

  const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_m, key) => String(values[key] ?? ''));

  /** Lifetime of a token in seconds from its own claims (clock-independent), else from expiresAt. */
  function tokenLifetime(token, expiresAt) {
    try {
      const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      const claims = JSON.parse(atob(payload));
      if (Number.isFinite(claims.exp - claims.iat)) return claims.exp - claims.iat;
    } catch {
      /* fall back below */
    }
    return expiresAt - Date.now() / 1000;
  }

  class WpkbChat extends HTMLElement {
    constructor() {
      super();
      this.root = this.attachShadow({ mode: 'open' });
      this.pending = null;
      this.token = null;
    }

    connectedCallback() {
      if (this.panel) return;
      this.strings = this.readStrings();
      this.mode = this.getAttribute('mode') === 'bubble' ? 'bubble' : 'inline';
      this.setAttribute('mode', this.mode);
      this.storageKey = `wpkb-chat:${this.getAttribute('endpoint') || ''}`;
      this.build();
      this.restore();
    }

    disconnectedCallback() {
      this.pending?.abort();
    }

    readStrings() {
      const lang = (this.getAttribute('lang') || document.documentElement.lang || 'es').toLowerCase();
      const base = lang.startsWith('en') ? STRINGS.en : STRINGS.es;
      let own = {};
      try {
        own = JSON.parse(this.getAttribute('strings') || '{}');
      } catch {
        own = {};
      }
      const merged = { ...base };
      for (const source of [window.wpkbChatStrings, own]) {
        if (!source || typeof source !== 'object') continue;
        for (const key of Object.keys(base)) if (typeof source[key] === 'string') merged[key] = source[key];
      }
      return merged;
    }

    build() {
      const s = this.strings;
      const id = `wpkb-${Math.random().toString(36).slice(2, 9)}`;
      this.log = h('div', {
        class: 'log',
        role: 'log',
        'aria-live': 'off',
        'aria-label': s.log,
        tabindex: 0,
      });
      // The one region screen readers hear: set once per answer (not per fragment or DOM change).
      this.live = h('div', { class: 'sr', 'aria-live': 'polite', 'aria-atomic': 'true' });
      this.input = h('textarea', { id: `${id}-q`, rows: 1, placeholder: s.placeholder, autocomplete: 'off' });
      this.sendButton = h('button', { type: 'submit' }, s.send);
      const form = h('form', { novalidate: true }, h('label', { class: 'sr', for: `${id}-q` }, s.inputLabel));
      form.append(this.input, this.sendButton);
      const reset = h('button', { type: 'button', class: 'reset' }, s.newConversation);
      const header = h('header', null, h('h2', { id: `${id}-t` }, s.title), reset);
      this.panel = h('section', {
        class: 'panel',
        id: `${id}-p`,
        'aria-labelledby': `${id}-t`,
        lang: this.lang || null,
      });
      this.panel.append(header, this.log, form, this.live);
      this.root.append(h('style', null, CSS));

      form.addEventListener('submit', (event) => {
        event.preventDefault();
        this.send();
      });
      this.input.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
          event.preventDefault();
          this.send();
        }
      });
      this.input.addEventListener('focus', () => this.ensureToken().catch(() => {}), { once: true });
      reset.addEventListener('click', () => this.reset());

      if (this.mode === 'bubble') {
        this.launcher = h('button', {
          type: 'button',
          class: 'launcher',
          'aria-expanded': 'false',
          'aria-controls': `${id}-p`,
          'aria-label': s.open,
        });
        const svg = document.createElementNS(SVG_NS, 'svg');
        svg.setAttribute('viewBox', '0 0 24 24');
        svg.setAttribute('aria-hidden', 'true');
        const path = document.createElementNS(SVG_NS, 'path');
        path.setAttribute(
          'd',
          'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z',
        );
        svg.append(path);
        this.launcher.append(svg);
        this.panel.hidden = true;
        this.launcher.addEventListener('click', () => this.toggle());
        this.panel.addEventListener('keydown', (event) => {
          if (event.key === 'Escape') {
            this.toggle(false);
            this.launcher.focus();
          }
        });
        this.root.append(this.panel, this.launcher);
      } else this.root.append(this.panel);
    }

    toggle(open = this.panel.hidden) {
      this.panel.hidden = !open;
      this.launcher.setAttribute('aria-expanded', String(open));
      this.launcher.setAttribute('aria-label', open ? this.strings.close : this.strings.open);
      if (open) this.input.focus();
    }

    // --- conversation state (sessionStorage: this tab only) ---

    load() {
      try {
        const saved = JSON.parse(sessionStorage.getItem(this.storageKey) || 'null');
        return saved && typeof saved === 'object' ? saved : {};
      } catch {
        return {};
      }
    }

    save(state) {
      try {
        sessionStorage.setItem(this.storageKey, JSON.stringify(state));
      } catch {
        /* storage full or disabled: the conversation still works, it is just not kept */
      }
    }

    restore() {
      const { messages } = this.load();
      this.addBot(this.strings.greeting, [], false);
      if (Array.isArray(messages))
        for (const m of messages) {
          if (m && m.role === 'user' && typeof m.text === 'string') this.addUser(m.text);
          else if (m && m.role === 'bot' && typeof m.text === 'string')
            this.addBot(m.text, m.citations, false);
        }
    }

    remember(message) {
      const state = this.load();
      const messages = Array.isArray(state.messages) ? state.messages : [];
      messages.push(message);
      this.save({ ...state, messages: messages.slice(-TRANSCRIPT_MAX) });
    }

    reset() {
      this.pending?.abort();
      this.pending = null;
      try {
        sessionStorage.removeItem(this.storageKey);
      } catch {
        /* nothing kept */
      }
      this.log.replaceChildren();
      this.addBot(this.strings.greeting, [], false);
      this.setBusy(false);
      this.announce(this.strings.newStarted);
      this.input.focus();
    }

    // --- what is shown ---

    append(node) {
      this.log.append(node);
      this.log.scrollTop = this.log.scrollHeight;
      return node;
    }

    addUser(text) {
      return this.append(
        h('div', { class: 'msg user' }, h('span', { class: 'sr' }, `${this.strings.you} `), text),
      );
    }

    addBot(text, citations, announce = true) {
      const node = h('div', { class: 'msg bot' }, h('span', { class: 'sr' }, `${this.strings.assistant} `));
      renderAnswer(node, text);
      const sources = (Array.isArray(citations) ? citations : []).filter(
        (c) => c && typeof c.title === 'string' && c.title.trim(),
      );
      if (sources.length) {
        const list = h('ul');
        for (const c of sources) list.append(h('li', null, link(c.url, c.title.trim())));
        node.append(h('div', { class: 'sources' }, h('p', null, this.strings.sources), list));
      }
      this.append(node);
      if (announce) this.announce(node.textContent);
      return node;
    }

    addError(text) {
      this.append(h('div', { class: 'msg error', role: 'note' }, text));
      this.announce(text);
    }

    announce(text) {
      this.live.textContent = text;
    }

    setBusy(busy) {
      this.typing?.remove();
      this.typing = null;
      this.log.setAttribute('aria-busy', String(busy));
      this.sendButton.setAttribute('aria-disabled', String(busy));
      if (busy) {
        this.typing = this.append(
          h('div', { class: 'msg bot typing', 'aria-hidden': 'true' }, this.strings.typing),
        );
        this.announce(this.strings.typing);
      }
    }

    // --- talking to the endpoint ---

    ensureToken(force = false) {
      const url = this.getAttribute('token-url');
      if (!url) return Promise.resolve(null);
      // Refresh ahead of expiry: a fifth of the lifetime, at most a minute.
      if (!force && this.token && Date.now() < this.token.refreshAt) return Promise.resolve(this.token.value);
      // One request at a time: a question sent while the first focus's request is on its way waits for it.
      if (!force && this.tokenRequest) return this.tokenRequest;
      const request = this.fetchToken(url).finally(() => {
        if (this.tokenRequest === request) this.tokenRequest = null;
      });
      this.tokenRequest = request;
      return request;
    }

    async fetchToken(url) {
      const response = await fetch(url, { credentials: 'same-origin', cache: 'no-store' });
      if (!response.ok) throw Object.assign(new Error('token'), { unavailable: true });
      const body = await response.json();
      if (!body || typeof body.token !== 'string' || !Number.isFinite(body.expiresAt))
        throw Object.assign(new Error('token'), { unavailable: true });
      const lifetime = Math.max(0, tokenLifetime(body.token, body.expiresAt));
      this.token = {
        value: body.token,
        refreshAt: Date.now() + (lifetime - Math.min(60, lifetime / 5)) * 1000,
      };
      return body.token;
    }

    async post(message, sessionId, controller, force) {
      let token;
      try {
        token = await this.ensureToken(force);
      } catch (error) {
        if (error?.unavailable) return { unavailable: true };
        throw error;
      }
      const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
      if (token) headers.Authorization = `Bearer ${token}`;
      return fetch(this.getAttribute('endpoint'), {
        method: 'POST',
        headers,
        body: JSON.stringify(sessionId ? { message, sessionId } : { message }),
        credentials: 'omit',
        signal: controller.signal,
      });
    }

    problemWith(message) {
      const s = this.strings;
      if (!message) return s.empty;
      if (NOT_TEXT.test(message)) return s.notText;
      if (message.length > MESSAGE_MAX) return fill(s.tooLong, { max: MESSAGE_MAX, n: message.length });
      return undefined;
    }

    async send() {
      if (this.pending) return;
      const s = this.strings;
      const message = this.input.value.normalize('NFC').trim();
      const problem = this.problemWith(message);
      if (problem) {
        this.addError(problem);
        this.input.focus();
        return;
      }
      this.input.value = '';
      this.addUser(message);
      this.remember({ role: 'user', text: message });
      this.setBusy(true);
      const controller = new AbortController();
      this.pending = controller;
      const timer = setTimeout(() => controller.abort('timeout'), REQUEST_TIMEOUT_MS);
      const { sessionId } = this.load();
      const sid = typeof sessionId === 'string' && SESSION_ID.test(sessionId) ? sessionId : undefined;
      let failure;
      try {
        let response = await this.post(message, sid, controller, false);
        // A refused token: fetch a new one once, then give up.
        if (!response.unavailable && response.status === 401)
          response = await this.post(message, sid, controller, true);
        if (response.unavailable || response.status === 401 || response.status === 403)
          failure = s.unavailable;
        else if (response.status === 429) failure = s.busy;
        else if (response.status === 400 || response.status === 413)
          failure = fill(s.badRequest, { max: MESSAGE_MAX });
        else if (!response.ok) failure = s.serverError;
        else {
          const body = await response.json().catch(() => null);
          if (controller.signal.aborted) return;
          const answer = body && typeof body.answer === 'string' ? body.answer.trim() : '';
          if (body && typeof body.sessionId === 'string' && SESSION_ID.test(body.sessionId))
            this.save({ ...this.load(), sessionId: body.sessionId });
          const citations = body && Array.isArray(body.citations) ? body.citations : [];
          this.setBusy(false);
          this.addBot(answer || s.emptyAnswer, citations);
          this.remember({ role: 'bot', text: answer || s.emptyAnswer, citations });
          return;
        }
      } catch {
        failure = controller.signal.reason === 'timeout' ? s.timeout : s.network;
      } finally {
        clearTimeout(timer);
        if (this.pending === controller) this.pending = null;
      }
      // "Nueva conversación" aborted this turn: nothing more to show for it.
      if (controller.signal.aborted && controller.signal.reason !== 'timeout') return;
      if (failure) {
        this.setBusy(false);
        this.addError(failure);
      }
    }
  }

  window.customElements.define('wpkb-chat', WpkbChat);
})();
