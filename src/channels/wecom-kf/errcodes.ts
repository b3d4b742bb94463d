/**
 * sync_msg refused the callback's Token (it expires after 10 min): sync again without it.
 * 读取消息 https://developer.work.weixin.qq.com/document/path/94670 ; 全局错误码 95007.
 */
export const MSG_TOKEN_REJECTED = 95007;

/**
 * kf/service_state/trans to state 3 with a servicer who is not receiving (接待人员不在接待中):
 * 分配客服会话 https://developer.work.weixin.qq.com/document/path/94669 ; 全局错误码 95014.
 */
export const SERVICER_NOT_ON_DUTY = 95014;
