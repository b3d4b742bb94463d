/**
 * sync_msg refused the callback's Token (it expires after 10 min): sync again without it.
 * 读取消息 https://developer.work.weixin.qq.com/document/path/94670 ; 全局错误码 95007.
 */
export const MSG_TOKEN_REJECTED = 95007;
