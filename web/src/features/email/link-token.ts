/**
 * The token of a mailed link, which rides in the fragment (#token=…) so it never reaches a server log or a
 * Referer header. Read once, then removed from the address bar and the history entry.
 */
export function takeLinkToken(): string | null {
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token');
  if (token) window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
  return token;
}
