/** The channels by their CONFIG_FILE key, as the 渠道 page names them. */
export const CHANNEL_LABELS: Record<string, string> = {
  wecom: '企业微信自建应用',
  wechatMp: '微信公众号',
  wecomKf: '微信客服',
  web: '网页挂件',
};

/** The account fields, as the platforms' admin pages name them. */
export const FIELD_LABELS: Record<string, string> = {
  corpId: 'CorpID',
  agentId: 'AgentId',
  secret: 'Secret',
  appId: 'AppID',
  appSecret: 'AppSecret',
  token: 'Token',
  encodingAesKey: 'EncodingAESKey',
  publicId: '挂件 ID',
  allowedOrigins: '允许嵌入的网站',
  apiBase: 'API 地址',
  knowledgeBase: '知识库',
};
