/** Why a recipient was skipped, in the marketer's words (docs/marketing.md, "Broadcasts"). */
export const SKIP_REASONS: Record<string, string> = {
  opted_out: '已退订',
  window_closed: '超出 48 小时回复窗口',
  quota_spent: '窗口内消息条数已用完',
  held_by_servicer: '接待人员在企业微信中接待',
  no_open_session: '访客未打开网页',
  channel_cannot_broadcast: '该渠道不支持群发',
  no_conversation: '从未发过消息',
  customer_gone: '客户已合并',
  cancelled: '群发已取消',
  mp_monthly_mass_limit: '本月已收满 4 条公众号群发',
  mp_daily_mass_limit: '订阅号今日已群发',
};

/** An Official Account mass send's state, and why one was refused or not used (docs/marketing.md, "Official Account mass send"). */
export const MASS_SEND: Record<string, string> = {
  creating: '提交中',
  sent: '已提交',
  finished: '已完成',
  failed: '失败',
  interrupted: '中断（不再重发）',
  refused: '超出群发限制',
  unused: '未使用',
  no_platform_tag: '公众号无此标签',
  opted_out_follower: '有粉丝已退订',
  no_follower_listed: '无收件人带此标签',
  daily_limit: '订阅号每天 1 次',
  monthly_limit: '服务号每人每月 4 条',
};
