import { DESCRIPTIONS } from './wecom-errcodes.ts';

/**
 * What an operator does about a WeCom errcode (self-built apps and 微信客服 alike), shown beside
 * the code on the console's 渠道 page. Codes from 全局错误码
 * https://developer.work.weixin.qq.com/document/path/90313 ; the fixes name the 管理后台 page.
 */
const FIXES: Record<number, string> = {
  [-1]: '企业微信系统繁忙，会自动重试；持续出现请查看企业微信服务状态。',
  40001: 'Secret 不正确：在 管理后台 → 应用管理 → 应用详情 复制 Secret 重新填写。',
  40003: '收件人 UserID 不存在或已离职：检查通讯录中的成员账号。',
  40014: 'access_token 无效，会自动刷新重试；持续出现请检查 CorpID 与 Secret 是否属于同一企业。',
  42001: 'access_token 过期，会自动刷新重试，无需处理。',
  45009: '接口调用频率超限，会稍后自动重试；长期出现请降低发送量。',
  45033: '接口并发超限，会稍后自动重试。',
  48002: '应用无此接口权限：在 管理后台 → 应用管理 中为应用开通对应 API 权限。',
  60020:
    '服务器出口 IP 不在企业可信 IP 中：在 管理后台 → 应用管理 → 应用详情 → 企业可信IP 添加本服务的出口 IP（https://developer.work.weixin.qq.com/document/path/90313）。',
  81013: '收件人不在应用的可见范围内：在 管理后台 → 应用管理 → 应用详情 → 可见范围 添加该成员或其部门。',
  82001: '收件人列表为空：检查成员是否仍在可见范围内。',
  95007: '会话消息 token 失效，会自动重新拉取，无需处理。',
  95014: '接待人员不在接待中：在 微信客服 → 接待人员 中将其设为接待中，或换一位接待人员。',
  95018: '会话状态不允许发送：客户 48 小时内未再发消息或 5 条额度已用完，只能等客户再次来信；也可能已由接待人员接管。',
};

export function explainWecomError(code: string): { meaning?: string; fix?: string } {
  const errcode = Number(code);
  if (!Number.isInteger(errcode)) return {};
  return { ...(DESCRIPTIONS[errcode] && { meaning: DESCRIPTIONS[errcode] }), ...(FIXES[errcode] && { fix: FIXES[errcode] }) };
}
