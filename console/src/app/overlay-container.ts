/**
 * Where modals and drawers are put: in the app's root element, not on <body>, because on <body>
 * Ant Design locks the page's scrolling with an inline <style> that carries no CSP nonce
 * (@rc-component/portal's scroll locker), which the console's Content-Security-Policy refuses.
 * The workspace never scrolls the body, so there is nothing to lock.
 */
export const overlayContainer = (): HTMLElement => document.getElementById('root') ?? document.body;
