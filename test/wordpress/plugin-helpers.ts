/**
 * Helpers of the plugin suite (plugin.test.ts): the two wire contracts checked independently of the
 * plugin with node:crypto, a logged-in WordPress session over HTTP (cookies, forms, REST nonce), and the
 * HTML of the pages it serves, read with a real parser.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import axios, { type AxiosResponse } from 'axios';
import { DomUtils, parseDocument } from 'htmlparser2';

type HtmlDocument = ReturnType<typeof parseDocument>;
export type HtmlElement = ReturnType<typeof DomUtils.getElementsByTagName>[number];

// --- Webhook contract: X-Wpkb-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>

export interface SignatureCheck {
  valid: boolean;
  /** The header's `t`, or NaN when the header is malformed. */
  timestamp: number;
  reason: string;
}

/** Verifies a notification the way wpkb's receiver must: constant-time compare, |now − t| ≤ 300 s. */
export function checkWebhookSignature(
  header: string | string[] | undefined,
  rawBody: string,
  secret: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): SignatureCheck {
  const match = typeof header === 'string' ? /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header) : null;
  if (!match) return { valid: false, timestamp: Number.NaN, reason: `malformed header ${String(header)}` };
  const timestamp = Number(match[1]);
  const expected = createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest();
  const given = Buffer.from(match[2] as string, 'hex');
  if (!timingSafeEqual(expected, given)) return { valid: false, timestamp, reason: 'signature mismatch' };
  if (Math.abs(nowSeconds - timestamp) > 300) return { valid: false, timestamp, reason: 'timestamp too old' };
  return { valid: true, timestamp, reason: 'ok' };
}

// --- Visitor token contract: v1.<base64url JSON {site, iat, exp}>.<base64url HMAC-SHA256(secret, "wpkb-token.v1." + payload)>

export interface VisitorTokenPayload {
  site: string;
  iat: number;
  exp: number;
}

export interface OpenedToken {
  payload: VisitorTokenPayload;
  /** The payload's JSON text, as decoded. */
  json: string;
  signatureValid: boolean;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** Splits and checks a token (signature in constant time); throws on a malformed one. */
export function openVisitorToken(token: string, secret: string): OpenedToken {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== 'v1' || !parts.slice(1).every((part) => BASE64URL.test(part))) {
    throw new Error(`malformed visitor token "${token}"`);
  }
  const [, payload, signature] = parts as [string, string, string];
  const expected = createHmac('sha256', secret).update(`wpkb-token.v1.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  const signatureValid = given.length === expected.length && timingSafeEqual(expected, given);
  const json = Buffer.from(payload, 'base64url').toString('utf8');
  return { payload: JSON.parse(json) as VisitorTokenPayload, json, signatureValid };
}

// --- A WordPress user's browser session: cookies, forms, the REST nonce.

export type FormFields = Record<string, string | readonly string[]>;

export class WpSession {
  private readonly cookies = new Map<string, string>();

  private constructor(readonly siteUrl: string) {}

  /** A session with nobody logged in. */
  static anonymous(siteUrl: string): WpSession {
    return new WpSession(siteUrl);
  }

  /** Logs in through wp-login.php, as a browser does. */
  static async login(siteUrl: string, user: string, password: string): Promise<WpSession> {
    const session = new WpSession(siteUrl);
    session.cookies.set('wordpress_test_cookie', 'WP%20Cookie%20check');
    const response = await session.post('/wp-login.php', {
      log: user,
      pwd: password,
      'wp-submit': 'Log In',
      redirect_to: `${siteUrl}/wp-admin/`,
      testcookie: '1',
    });
    if (
      response.status !== 302 ||
      ![...session.cookies.keys()].some((name) => name.startsWith('wordpress_logged_in_'))
    ) {
      throw new Error(`login as ${user} failed: HTTP ${response.status}`);
    }
    return session;
  }

  get(path: string): Promise<AxiosResponse<string>> {
    return this.request('GET', path);
  }

  /** POSTs an urlencoded form; array values repeat the field (`name[]`). */
  post(path: string, fields: FormFields): Promise<AxiosResponse<string>> {
    const form = new URLSearchParams();
    for (const [name, value] of Object.entries(fields)) {
      for (const item of typeof value === 'string' ? [value] : value) form.append(name, item);
    }
    return this.request('POST', path, form.toString(), {
      'content-type': 'application/x-www-form-urlencoded',
    });
  }

  /** A REST request authenticated by the cookies and a `wp_rest` nonce, as the block editor makes it. */
  async rest(method: 'GET' | 'POST', path: string, body?: object): Promise<AxiosResponse<string>> {
    const nonce = (await this.get('/wp-admin/admin-ajax.php?action=rest-nonce')).data.trim();
    if (!/^[0-9a-f]{10}$/.test(nonce))
      throw new Error(`no REST nonce for this session: "${nonce.slice(0, 80)}"`);
    const headers: Record<string, string> = { 'x-wp-nonce': nonce };
    if (body) headers['content-type'] = 'application/json';
    return this.request(method, `/wp-json${path}`, body ? JSON.stringify(body) : undefined, headers);
  }

  private async request(
    method: 'GET' | 'POST',
    path: string,
    data?: string,
    headers: Record<string, string> = {},
  ): Promise<AxiosResponse<string>> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await axios.request<string>({
      method,
      url: path.startsWith('http') ? path : `${this.siteUrl}${path}`,
      data,
      headers: { ...headers, ...(cookie ? { cookie } : {}) },
      maxRedirects: 0,
      responseType: 'text',
      transformResponse: (raw: string) => raw,
      validateStatus: () => true,
      timeout: 30_000,
    });
    for (const line of (response.headers['set-cookie'] as string[] | undefined) ?? []) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      if (at <= 0) continue;
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      if (value === '' || value === 'deleted' || /expires=Thu, 01[- ]Jan[- ]1970/i.test(line))
        this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }
}

// --- HTML as a browser would read it.

export function parseHtml(html: string): HtmlDocument {
  return parseDocument(html, { decodeEntities: true });
}

/** Every element with this tag name below a document or an element. */
export function elements(root: HtmlDocument | HtmlElement, tag: string): HtmlElement[] {
  return DomUtils.getElementsByTagName(tag, root.children, true);
}

export function textOf(node: HtmlElement | HtmlDocument): string {
  return DomUtils.textContent(node);
}

/** The fields a browser would submit with the form whose action ends with `action` (hidden, text, checked boxes). */
export function formFields(doc: HtmlDocument, action: string): Record<string, string[]> {
  const form = elements(doc, 'form').find((f) => (f.attribs.action ?? '').endsWith(action));
  if (!form) throw new Error(`no form with action …${action}`);
  const fields: Record<string, string[]> = {};
  for (const input of elements(form, 'input')) {
    const { name, type = 'text', value = '' } = input.attribs;
    if (!name || input.attribs.disabled !== undefined) continue;
    if ((type === 'checkbox' || type === 'radio') && input.attribs.checked === undefined) continue;
    if (type === 'submit') continue;
    fields[name] = [...(fields[name] ?? []), value];
  }
  return fields;
}

/** Attributes of every `<wpkb-chat>` element of a page, in document order. */
export function chatElements(html: string): Record<string, string>[] {
  return elements(parseHtml(html), 'wpkb-chat').map((element) => ({ ...element.attribs }));
}
