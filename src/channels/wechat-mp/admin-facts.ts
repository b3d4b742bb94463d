import type { ChannelAdminFacts } from '../channel-config.ts';
import { DESCRIPTIONS } from './errcodes.ts';

/**
 * What an operator does about an Official Account errcode (全局返回码
 * https://developers.weixin.qq.com/doc/offiaccount/Getting_Started/Global_Return_Code.html).
 */
const FIXES: Record<number, string> = {
  [-1]: '微信系统繁忙，会自动重试。',
  40001: 'AppSecret 不正确或已重置：在 公众平台 → 设置与开发 → 基本配置 重新获取并填写。',
  40003: 'openid 不属于本公众号：检查是否混用了多个公众号。',
  40007: '媒体文件已过期（临时素材只保留 3 天）。',
  43004: '用户未关注公众号，无法发送客服消息。',
  45009: '接口每日调用次数已达上限：次日恢复，或在 公众平台 → 接口权限 申请提额。',
  45015: '已超过 48 小时回复窗口：只有用户再次发消息后才能回复，请在 48 小时内答复。',
  45047: '本次用户互动后的客服消息条数已用完：等待用户再次来信。',
  48001: '公众号未获得该接口权限：需认证的服务号才能使用客服消息接口。',
  61004: '服务器出口 IP 不在白名单：在 公众平台 → 设置与开发 → 基本配置 → IP白名单 添加本服务的出口 IP。',
};

/**
 * The server configuration (服务器配置, 基本配置 page
 * https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/Access_Overview.html): URL,
 * Token, EncodingAESKey, and 安全模式 as the message encryption mode.
 */
export const wechatMpAdminFacts: ChannelAdminFacts = {
  kind: 'wechat-mp',
  secretFields: ['appSecret', 'token', 'encodingAesKey'],
  generatedFields: ['token', 'encodingAesKey'],
  callbackPath: (name) => `/callbacks/wechat-mp/${name}`,
  explainError(code) {
    const errcode = Number(code);
    if (code === 'stable_token') return { meaning: 'stable_token failed', fix: '检查 AppID、AppSecret 与 IP 白名单；会自动重试。' };
    if (!Number.isInteger(errcode)) return {};
    return { ...(DESCRIPTIONS[errcode] && { meaning: DESCRIPTIONS[errcode] }), ...(FIXES[errcode] && { fix: FIXES[errcode] }) };
  },
};
