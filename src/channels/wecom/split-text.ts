import { splitUtf8Text } from '../shared/split-utf8-text.ts';

/**
 * WeCom text messages carry at most 2048 bytes of UTF-8 and truncate anything longer
 * (发送应用消息 https://developer.work.weixin.qq.com/document/path/90236), so long replies are split.
 */
export const WECOM_TEXT_MAX_BYTES = 2048;

export const splitForWecom = (text: string) => splitUtf8Text(text, WECOM_TEXT_MAX_BYTES);
