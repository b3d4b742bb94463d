/** UI text in Chinese and English: data-lang on the script tag, else the browser's language. */
const zh = {
  lang: 'zh-CN',
  title: '在线客服',
  subtitle: '通常几秒内回复',
  open: '打开在线客服',
  close: '关闭在线客服',
  messages: '聊天记录',
  input: '输入消息',
  placeholder: '输入消息，Enter 发送',
  send: '发送',
  attach: '发送图片或文件',
  typing: '客服正在输入…',
  greeting: '您好！欢迎光临，有什么可以帮您？',
  you: '我',
  bot: '智能客服',
  agent: '人工客服',
  system: '系统消息',
  sending: '发送中…',
  failed: '发送失败，点击重试',
  uploading: '上传中…',
  file: '文件',
  image: '图片',
  reconnecting: '连接中断，正在重新连接…',
  unavailable: '暂时无法连接客服，请稍后再试',
  tooLong: '消息太长了，最多 {n} 个字',
  tooLarge: '文件太大，最大 {n} MB',
  rateLimited: '发送太频繁，请 {n} 秒后再试',
  unread: '{n} 条新消息',
  earlier: '查看更早的消息',
};
const en: typeof zh = {
  lang: 'en',
  title: 'Customer service',
  subtitle: 'We usually reply in seconds',
  open: 'Open chat',
  close: 'Close chat',
  messages: 'Conversation',
  input: 'Message',
  placeholder: 'Type a message, Enter to send',
  send: 'Send',
  attach: 'Send a picture or file',
  typing: 'Typing…',
  greeting: 'Hello! How can we help you?',
  you: 'You',
  bot: 'Assistant',
  agent: 'Agent',
  system: 'System',
  sending: 'Sending…',
  failed: 'Not sent. Click to retry',
  uploading: 'Uploading…',
  file: 'File',
  image: 'Picture',
  reconnecting: 'Connection lost, reconnecting…',
  unavailable: 'Chat is unavailable right now, please try again later',
  tooLong: 'Too long: at most {n} characters',
  tooLarge: 'File too large: at most {n} MB',
  rateLimited: 'Too many messages, try again in {n} s',
  unread: '{n} new messages',
  earlier: 'Show earlier messages',
};

export type Texts = typeof zh;

export function pickTexts(lang: string | undefined): Texts {
  const wanted = (lang || navigator.language || 'zh').toLowerCase();
  return wanted.startsWith('en') ? en : zh;
}

export const fill = (text: string, n: number | string) => text.replace('{n}', String(n));
