/**
 * The WeCom app the simulator pretends to be. The crypto values are the official sample values
 * (../shared/wecom/vectors.json), so anyone can check a callback by hand against the docs.
 */
export const simulatedApp = {
  corpId: 'wx5823bf96d3bd56c7',
  agentId: 1000002,
  secret: 'simulator-secret',
  token: 'QDG6eK',
  encodingAesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
};

/** The environment that points a kefu-hub service at the simulator's fake WeCom API. */
export function simulatedAppEnv(apiBase: string): Record<string, string> {
  return {
    WECOM_CORP_ID: simulatedApp.corpId,
    WECOM_AGENT_ID: String(simulatedApp.agentId),
    WECOM_SECRET: simulatedApp.secret,
    WECOM_TOKEN: simulatedApp.token,
    WECOM_ENCODING_AES_KEY: simulatedApp.encodingAesKey,
    WECOM_API_BASE: apiBase,
  };
}
