interface StoredCookie {
  name: string;
  value: string;
  host: string;
  path: string;
}

export interface Page {
  url: string;
  status: number;
  headers: Headers;
  body: string;
}

/**
 * A small browser for driving sign-in flows: a cookie jar keyed like a browser's (host and path, not port),
 * redirects followed one hop at a time, and HTML forms submitted with their hidden fields.
 */
export class Browser {
  private readonly jar: StoredCookie[] = [];

  /** Every Set-Cookie header the browser received, in order. */
  readonly received: string[] = [];

  /** One request, redirects not followed; cookies sent and stored. */
  async request(url: string, init: { method?: string; form?: Record<string, string>; json?: unknown; headers?: Record<string, string> } = {}): Promise<Page> {
    const target = new URL(url);
    const headers: Record<string, string> = { ...init.headers };
    const cookie = this.cookieHeader(target);
    if (cookie) headers.cookie = cookie;
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    } else if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    }
    const res = await fetch(url, { method: init.method ?? (body !== undefined ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    for (const header of res.headers.getSetCookie()) this.store(target, header);
    return { url, status: res.status, headers: res.headers, body: await res.text() };
  }

  /**
   * Follows redirects and answers the provider's forms until `stop` says a URL is the end of the flow (or a
   * page that is neither a redirect nor a known form comes back). `onForm` fills in a form's visible fields.
   */
  async drive(url: string, opts: { stop: (url: URL) => boolean; onForm?: (page: Page, hidden: Record<string, string>) => Record<string, string> | 'cancel'; maxSteps?: number }): Promise<{ location?: string; page: Page }> {
    let next = url;
    let form: Record<string, string> | undefined;
    for (let step = 0; step < (opts.maxSteps ?? 20); step++) {
      const page = await this.request(next, form ? { form } : {});
      form = undefined;
      const location = page.headers.get('location');
      if (page.status >= 300 && page.status < 400 && location) {
        const resolved = new URL(location, next);
        if (opts.stop(resolved)) return { location: resolved.href, page };
        next = resolved.href;
        continue;
      }
      const parsed = parseForm(page.body);
      if (!parsed || !opts.onForm) return { page };
      const fill = opts.onForm(page, parsed.fields);
      if (fill === 'cancel') {
        const abort = /href="([^"]*\/abort)"/.exec(page.body);
        if (!abort) throw new Error('no cancel link on ' + next);
        next = new URL(decodeEntities(abort[1]), next).href;
        continue;
      }
      next = new URL(parsed.action, next).href;
      form = { ...parsed.fields, ...fill };
    }
    throw new Error('too many steps from ' + url);
  }

  /** Drops a cookie from the jar, as a user clearing it (or another tab replacing it) would. */
  forget(name: string): void {
    for (let i = this.jar.length - 1; i >= 0; i--) if (this.jar[i].name === name) this.jar.splice(i, 1);
  }

  cookie(name: string): string | undefined {
    return this.jar.find((c) => c.name === name)?.value;
  }

  private cookieHeader(url: URL): string {
    return this.jar
      .filter((c) => c.host === url.hostname && (url.pathname === c.path || url.pathname.startsWith(c.path.endsWith('/') ? c.path : c.path + '/')))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  private store(url: URL, header: string): void {
    this.received.push(header);
    const [pair, ...attrs] = header.split(';').map((s) => s.trim());
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    let path = url.pathname.replace(/\/[^/]*$/, '') || '/';
    let expired = value === '';
    for (const attr of attrs) {
      const [key, v = ''] = attr.split('=');
      if (key.toLowerCase() === 'path') path = v;
      if (key.toLowerCase() === 'max-age' && Number(v) <= 0) expired = true;
      if (key.toLowerCase() === 'expires' && new Date(v).getTime() < Date.now()) expired = true;
    }
    const index = this.jar.findIndex((c) => c.name === name && c.host === url.hostname && c.path === path);
    if (index >= 0) this.jar.splice(index, 1);
    if (!expired) this.jar.push({ name, value, host: url.hostname, path });
  }
}

/** The first form on a page: its action and its hidden fields. */
function parseForm(html: string): { action: string; fields: Record<string, string> } | null {
  const form = /<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) return null;
  const fields: Record<string, string> = {};
  for (const input of form[2].matchAll(/<input[^>]*>/gi)) {
    const name = /name="([^"]*)"/.exec(input[0])?.[1];
    const value = /value="([^"]*)"/.exec(input[0])?.[1];
    if (name && /type="hidden"/i.test(input[0])) fields[name] = decodeEntities(value ?? '');
  }
  return { action: decodeEntities(form[1]), fields };
}

const decodeEntities = (s: string) => s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
