/**
 * The content security policy of the editor, shared by the Electron window
 * and the web server. Everything comes from the app itself: no remote
 * content, no eval; Monaco needs inline styles and blob workers.
 */

/** Builds the CSP header value; `connect` adds origins the page may call (the web API). */
export function buildContentSecurityPolicy(connect: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${connect.map((c) => ` ${c}`).join('')}`,
    "worker-src 'self' blob:",
    "frame-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
