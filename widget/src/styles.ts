/**
 * Styles live in the widget's shadow root: the host page's CSS cannot reach in, nor ours out.
 * Text colours keep a contrast of at least 4.5:1 with their background (WCAG AA).
 */
export const styles = `
:host { all: initial; }
* { box-sizing: border-box; }
.kh { position: fixed; right: 20px; bottom: 20px; z-index: 2147483000; font: 14px/1.5 -apple-system, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; color: #1f2328; }
button { font: inherit; cursor: pointer; }
button:focus-visible, textarea:focus-visible { outline: 2px solid #1a73e8; outline-offset: 2px; }
.bubble { position: relative; width: 56px; height: 56px; border-radius: 50%; border: 0; background: var(--kh-accent, #c2410c); color: #fff; box-shadow: 0 4px 14px rgba(0,0,0,.25); display: grid; place-items: center; }
.bubble svg { width: 28px; height: 28px; }
.badge { position: absolute; top: -4px; right: -4px; min-width: 20px; height: 20px; padding: 0 6px; border-radius: 10px; background: #d93025; color: #fff; font-size: 12px; line-height: 20px; }
.panel { position: absolute; right: 0; bottom: 72px; width: 360px; height: min(560px, calc(100vh - 110px)); display: flex; flex-direction: column; background: #fff; border-radius: 12px; box-shadow: 0 8px 30px rgba(0,0,0,.2); overflow: hidden; }
.panel[hidden], .badge[hidden], .typing[hidden] { display: none; }
header { display: flex; align-items: center; gap: 8px; padding: 12px 14px; background: var(--kh-accent, #c2410c); color: #fff; }
header h2 { margin: 0; font-size: 16px; font-weight: 600; }
header p { margin: 0; font-size: 12px; opacity: .9; }
header .close { margin-left: auto; width: 32px; height: 32px; border: 0; border-radius: 6px; background: transparent; color: #fff; font-size: 22px; line-height: 1; }
header .close:hover { background: rgba(255,255,255,.15); }
.log { flex: 1; margin: 0; padding: 12px; overflow-y: auto; list-style: none; background: #f6f7f9; }
.msg { display: flex; flex-direction: column; max-width: 80%; margin: 0 0 10px; }
.msg .who { font-size: 11px; color: #656d76; margin: 0 4px 2px; }
.msg .body { padding: 8px 12px; border-radius: 12px; background: #fff; white-space: pre-wrap; word-break: break-word; box-shadow: 0 1px 1px rgba(0,0,0,.06); }
.msg.customer { margin-left: auto; align-items: flex-end; }
.msg.customer .body { background: var(--kh-accent, #c2410c); color: #fff; }
.msg.draft .body { opacity: .8; }
.msg.system { margin: 0 auto 10px; align-items: center; text-align: center; }
.msg.system .who { display: none; }
.msg.system .body { background: transparent; box-shadow: none; color: #656d76; font-size: 12px; }
.msg .body img { display: block; max-width: 100%; max-height: 220px; border-radius: 6px; }
.msg .body a { color: inherit; }
.msg .state { font-size: 11px; color: #656d76; margin: 2px 4px 0; border: 0; background: none; padding: 0; }
.msg .rate button { border: 0; background: none; padding: 0 4px; cursor: pointer; opacity: .45; font-size: 13px; }
.msg .rate button[aria-pressed=true], .msg .rate button:hover { opacity: 1; }
.msg.failed .state { color: #d93025; text-decoration: underline; }
.earlier { display: block; margin: 0 auto; padding: 6px 12px; border: 0; background: #f6f7f9; color: #1558b0; font-size: 12px; width: 100%; }
.earlier[hidden] { display: none; }
.typing { padding: 0 14px 6px; font-size: 12px; color: #656d76; background: #f6f7f9; }
.status { padding: 4px 12px; font-size: 12px; color: #8a4b00; background: #fff4e5; }
.status:empty { display: none; }
form { display: flex; align-items: flex-end; gap: 6px; padding: 8px; border-top: 1px solid #e5e7eb; background: #fff; }
textarea { flex: 1; min-height: 38px; max-height: 120px; resize: none; padding: 8px 10px; border: 1px solid #d0d7de; border-radius: 8px; font: inherit; color: inherit; }
.icon { width: 38px; height: 38px; border: 0; border-radius: 8px; background: #f0f2f5; color: #444; display: grid; place-items: center; }
.icon svg { width: 20px; height: 20px; }
.send { background: var(--kh-accent, #c2410c); color: #fff; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media (max-width: 480px) {
  .kh { right: 12px; bottom: 12px; }
  .kh.open { inset: 0; }
  .kh.open .bubble { display: none; }
  .panel { position: fixed; inset: 0; width: 100%; height: 100%; border-radius: 0; }
}
`;
