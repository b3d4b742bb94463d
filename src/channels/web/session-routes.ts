import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { RejectedRequestError } from '../../errors.ts';

import { parse, readJson } from './request-input.ts';
import { isAnonymousVisitor, newAnonymousVisitorId, signedInVisitorId, signSessionToken } from './session-token.ts';
import { issueTicket } from './tickets.ts';
import { checkUserSignature } from './user-signature.ts';
import type { VisitorAuth } from './visitor-auth.ts';
import type { ResolvedWebAccount } from './widget-keys.ts';

export interface SessionRouteDeps {
  /** Resolves the widget, applies its origin policy and the address rate limit. */
  enter(ctx: Context): Promise<ResolvedWebAccount>;
  auth: VisitorAuth;
  sessionTtlSeconds: number;
  /** The greeting the widget opens with; none = the widget's own (widget/src/i18n.ts). */
  greeting(accountName: string): string | undefined;
  /** Refuses a new anonymous session when the address has minted too many (visitor-budgets.ts). */
  admitNewSession(account: ResolvedWebAccount, ip: string): Promise<void>;
  /** Moves an anonymous visitor's history to a signed-in customer; resolves with whether anything moved. */
  mergeVisitors(accountName: string, anonymousId: string, userId: string): Promise<boolean>;
}

const signedUser = z.object({ userId: z.string().min(1).max(128), exp: z.number().int().positive().optional(), signature: z.string() });
const sessionBody = z.union([signedUser, z.object({}).strict()]);
const ticketBody = z.discriminatedUnion('purpose', [
  z.object({ purpose: z.literal('stream') }),
  z.object({ purpose: z.literal('download'), fileId: z.string().regex(/^[0-9a-f]{32}$/, 'fileId: an upload id') }),
]);

const signatureRefusals = {
  bad_signature: ['bad_user_signature', 'signature is not hex(HMAC-SHA256(K_user, "<exp>.<userId>")); compute it on your server'],
  expired: ['user_signature_expired', 'the user signature is expired; sign the user id again on your server'],
  too_far_ahead: ['user_signature_exp_too_far', 'exp may be at most 24 hours ahead'],
} as const;

/** POST session (start, renew, sign in) and POST tickets (for URLs a browser opens itself). */
export function registerSessionRoutes(router: Router, base: string, deps: SessionRouteDeps): void {
  /** The visitor a company-signed user id names; the old unexpiring format is refused by name. */
  function signedInVisitor(account: ResolvedWebAccount, body: z.infer<typeof signedUser>): string {
    if (body.exp === undefined) {
      throw new RejectedRequestError(
        'user_signature_outdated',
        'user signatures now carry exp: sign "<exp>.<userId>" with the derived user-signature key (docs/channels.md)',
        401,
      );
    }
    const check = checkUserSignature(account.keys.userSignature, { userId: body.userId, exp: body.exp, signature: body.signature });
    if (check !== 'ok') throw new RejectedRequestError(signatureRefusals[check][0], signatureRefusals[check][1], 401);
    return signedInVisitorId(body.userId);
  }

  /**
   * A visitor signs in during a session: the session token proves who they were, the company's
   * signature who they are now, and only with both does the anonymous history become theirs.
   */
  async function signIn(ctx: Context, account: ResolvedWebAccount, userVisitorId: string): Promise<boolean> {
    // Like a renewal: a visitor who comes back signed in after their session expired keeps what they wrote.
    const before = (await deps.auth.session(ctx, account, true)).sub;
    if (before === userVisitorId) return false;
    if (!isAnonymousVisitor(before)) {
      throw new RejectedRequestError(
        'not_anonymous',
        'the session token is another signed-in customer’s; only an anonymous history moves',
        403,
      );
    }
    return deps.mergeVisitors(account.name, before, userVisitorId);
  }

  router.post(`${base}/session`, async (ctx) => {
    const account = await deps.enter(ctx);
    const body = parse(sessionBody, await readJson(ctx, 4096));
    let visitorId: string;
    let merged = false;
    if ('userId' in body) {
      visitorId = signedInVisitor(account, body as z.infer<typeof signedUser>);
      if (ctx.get('Authorization')) merged = await signIn(ctx, account, visitorId);
    } else if (ctx.get('Authorization')) {
      // A returning anonymous visitor renews their token, even one expired within the renewal
      // window: nothing else could prove who they were. A signed-in customer renews only while the
      // session lives; after that the company's signature (24 h at most) is needed again, so a
      // session never outlives the company's word by more than one session lifetime.
      const claims = await deps.auth.session(ctx, account, true);
      if (!isAnonymousVisitor(claims.sub) && claims.exp * 1000 < Date.now()) {
        throw new RejectedRequestError(
          'token_expired',
          'the session of a signed-in customer is expired; start a new one with a fresh user signature',
          401,
        );
      }
      visitorId = claims.sub;
    } else {
      await deps.admitNewSession(account, ctx.ip);
      visitorId = newAnonymousVisitorId();
    }
    const { token, expiresAt } = await signSessionToken(account.keys.session, account.name, visitorId, deps.sessionTtlSeconds);
    const greeting = deps.greeting(account.name);
    ctx.body = {
      token,
      visitor: { id: visitorId, kind: isAnonymousVisitor(visitorId) ? 'anonymous' : 'user' },
      expiresAt,
      ...(merged ? { merged } : {}),
      limits: { maxMessageChars: account.maxMessageChars, maxUploadBytes: account.maxUploadBytes },
      ...(account.appearance && { appearance: account.appearance }),
      ...(greeting && { greeting }),
    };
  });

  router.post(`${base}/tickets`, async (ctx) => {
    const account = await deps.enter(ctx);
    const { sub } = await deps.auth.session(ctx, account);
    const use = parse(ticketBody, await readJson(ctx, 1024));
    ctx.body = await issueTicket(account.keys.ticket, account.name, sub, use);
  });
}
