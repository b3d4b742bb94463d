import { z } from 'zod';
import { ConfigError } from '../errors.ts';
import { emptyAsUndefined, onOff } from './env-values.ts';

/**
 * Telling on-duty agents of waiting conversations through a WeCom app, and taking their replies
 * from there (docs/agents.md, "Notifications in WeCom" and "Answering from WeCom").
 */
export const agentNotifyEnvShape = {
  /** On: on-duty staff linked to a WeCom member get an application message when a conversation waits. */
  AGENT_NOTIFY_WECOM: onOff(false),
  /** The WeCom app (its account name) that sends the notices and receives the replies. */
  AGENT_NOTIFY_WECOM_ACCOUNT: z.preprocess(emptyAsUndefined, z.string().default('default')),
  /**
   * The customer's last message, cut to 60 characters, in the notice. It leaves kefu-hub for
   * WeCom's servers and the agents' phones: turn it off where that is not acceptable.
   */
  AGENT_NOTIFY_PREVIEW: onOff(true),
  /** Where people open the console, e.g. https://kefu.example.com: notices link to the conversation there. */
  CONSOLE_PUBLIC_URL: z.preprocess(emptyAsUndefined, z.string().url('must be an http(s) URL').optional()),
};

export interface AgentNotifySettings {
  /** The WeCom app's account name. */
  accountName: string;
  preview: boolean;
  /** `<CONSOLE_PUBLIC_URL>/console/conversations/`, or none: then notices carry no link. */
  conversationLinkBase?: string;
}

/** The settings when notices are on; a ConfigError when they are on without the WeCom app they go through. */
export function agentNotifySettings(
  env: z.infer<z.ZodObject<typeof agentNotifyEnvShape>>,
  wecomAccountNames: string[],
): AgentNotifySettings | undefined {
  if (!env.AGENT_NOTIFY_WECOM) return undefined;
  const accountName = env.AGENT_NOTIFY_WECOM_ACCOUNT;
  if (!wecomAccountNames.includes(accountName)) {
    throw new ConfigError(
      wecomAccountNames.length === 0
        ? 'AGENT_NOTIFY_WECOM is on but no WeCom app is configured: set WECOM_* (or turn AGENT_NOTIFY_WECOM off)'
        : `AGENT_NOTIFY_WECOM_ACCOUNT: no WeCom app named "${accountName}" (configured: ${wecomAccountNames.join(', ')})`,
    );
  }
  const base = env.CONSOLE_PUBLIC_URL?.replace(/\/+$/, '');
  return { accountName, preview: env.AGENT_NOTIFY_PREVIEW, ...(base && { conversationLinkBase: `${base}/console/conversations/` }) };
}
