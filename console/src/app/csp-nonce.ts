/**
 * The nonce of this page's Content-Security-Policy, which the server writes into a meta element of
 * index.html on every response (src/http/console-assets.ts). Ant Design puts it on the style
 * elements it creates, the only inline styles the policy lets in.
 */
export function cspNonce(): string | undefined {
  const content = document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.content;
  return content && !content.startsWith('{{') ? content : undefined;
}
