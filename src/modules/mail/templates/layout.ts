/** What every template gets: the recipient's username, and the facts of its own kind. */
export type MailData = Record<string, string | number | boolean | null | undefined>;

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export interface MailTemplate {
  /** The facts this mail needs; a queued mail missing one is a bug, caught before it is written. */
  needs: readonly string[];
  render(data: MailData): RenderedMail;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (value: unknown): string => String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]);

/** Paragraphs of plain text (and at most one link button) as a text body and a small, inline-styled HTML body. */
export function compose(subject: string, paragraphs: string[], link?: { url: string; label: string }): RenderedMail {
  const text = [...paragraphs, ...(link ? [`${link.label}: ${link.url}`] : []), '— tokengate'].join('\n\n') + '\n';
  const body = paragraphs.map((p) => `<p style="margin:0 0 16px">${escapeHtml(p)}</p>`).join('\n');
  const button = link
    ? `<p style="margin:0 0 16px"><a href="${escapeHtml(link.url)}" style="display:inline-block;padding:10px 16px;background:#1d4ed8;color:#fff;text-decoration:none;border-radius:6px">${escapeHtml(link.label)}</a></p>
<p style="margin:0 0 16px;font-size:13px;color:#555">Or paste this address into your browser: ${escapeHtml(link.url)}</p>`
    : '';
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;font-size:15px;line-height:1.5;color:#111;max-width:560px;margin:24px auto;padding:0 16px">
${body}
${button}
<p style="margin:24px 0 0;font-size:13px;color:#555">— tokengate</p>
</body></html>
`;
  return { subject, text, html };
}

/** A time as the mails print it: 2026-12-01 13:05:09 (UTC). */
export const formatAt = (at: Date): string => at.toISOString().replace('T', ' ').slice(0, 19);

/** "When and from where", as every security notice says it. */
export function whenAndWhere(data: MailData): string {
  const from = [data.ip ? `address ${data.ip}` : null, data.userAgent ? `browser or app "${data.userAgent}"` : null].filter(Boolean).join(', ');
  return `When: ${data.at} (UTC). From: ${from || 'unknown'}.`;
}

const NOT_YOU = 'If this was not you, reset your password now from the sign-in page ("Forgot your password?") and tell your administrator.';

/**
 * A security notice: what happened, when, from where, and what to do if it was not them. `what` may name
 * any fact with {name}. Adding one: a file here built with notice(), a line in mail.templates.ts, and the
 * event it answers in mail.notices.ts.
 */
export function notice(subject: string, what: string, advice = NOT_YOU, needs: readonly string[] = []): MailTemplate {
  return {
    needs: ['username', 'at', ...needs],
    render: (data) => compose(subject, [`Hello ${data.username},`, what.replace(/\{(\w+)\}/g, (_m, key: string) => String(data[key] ?? '')), whenAndWhere(data), advice]),
  };
}
