import type Router from '@koa/router';
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import type { Context } from 'koa';
import { z } from 'zod';
import type { AuditContext } from '../audit/audit-log.ts';
import { AuthenticationError } from '../errors.ts';
import { parseInput, readJsonBody } from '../http/json-input.ts';
import type { Caller } from '../staff/caller.ts';
import { requireRole, type StaffRole } from '../staff/roles.ts';
import { CSRF_HEADER, type RequestGuard } from './request-guard.ts';
import { SESSION_COOKIE } from './session-cookie.ts';

/** `public`: no authentication (the login itself). Otherwise the roles that may call the operation. */
export type Access = 'public' | readonly StaffRole[];

type Infer<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface ApiCall<P, Q, B, A extends Access> {
  ctx: Context;
  params: Infer<P>;
  query: Infer<Q>;
  body: Infer<B>;
  caller: A extends 'public' ? Caller | undefined : Caller;
  /** Who acts and from where, for the audit entry the operation writes. */
  audit: AuditContext;
}

export interface ApiOperation<P, Q, B, A extends Access> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI form, `{id}` for parameters. */
  path: `/api/${string}`;
  summary: string;
  tag: string;
  access: A;
  params?: P;
  query?: Q;
  body?: B;
  /** A body that is not JSON (an uploaded file): documented here, read by the handler itself. */
  rawBody?: { contentType: string; description: string };
  /** The success answer: its status, and its JSON schema (none for 204) or another content type. */
  success: { status: 200 | 201 | 204; description: string; schema?: z.ZodType; contentType?: string };
  handle(call: ApiCall<P, Q, B, A>): Promise<unknown> | unknown;
}

/** The `x-roles` extension of each protected operation: the roles allowed (the role-matrix test reads it). */
export const ROLES_EXTENSION = 'x-roles';

const errorBody = z.object({ error: z.string(), message: z.string() }).meta({ id: 'Error' });
const MAX_BODY_BYTES = 64 * 1024;

/**
 * The one way a console API route is added: `operation()` registers the koa route AND its OpenAPI
 * operation from the same zod schemas, so the document cannot drift from what is served or
 * validated. Every route runs the same gate in the same order: who is calling (401), whether a
 * browser was tricked into it (403), whether the role may (403), then the input (400).
 */
export function createApiRegistry(router: Router, guard: RequestGuard) {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE,
    description: `Set by POST /api/auth/login (named __Host-${SESSION_COOKIE} under https). Unsafe methods also need ${CSRF_HEADER}.`,
  });
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'A personal API token (kfh_…): `npm run user -- token --email E` or POST /api/me/tokens.',
  });

  function operation<
    P extends z.ZodObject | undefined = undefined,
    Q extends z.ZodObject | undefined = undefined,
    B extends z.ZodType | undefined = undefined,
    A extends Access = Access,
  >(op: ApiOperation<P, Q, B, A>): void {
    registerDocument(registry, op);
    const koaPath = op.path.replace(/\{(\w+)\}/g, ':$1');
    router[op.method](koaPath, async (ctx) => {
      // Answers about accounts and sessions are per person: no shared cache may keep them.
      ctx.set('Cache-Control', 'no-store');
      // A public operation (the login) ignores any credentials: it acts for nobody.
      const caller = op.access === 'public' ? undefined : await guard.callerOf(ctx);
      if (op.access !== 'public' && !caller) {
        throw new AuthenticationError('sign in (POST /api/auth/login), or send Authorization: Bearer <API token>');
      }
      guard.refuseForgery(ctx, caller);
      if (op.access !== 'public') requireRole(caller!.role, op.access as readonly StaffRole[]);
      const params = (op.params ? parseInput(op.params, ctx.params, 'path') : undefined) as Infer<P>;
      const query = (op.query ? parseInput(op.query, ctx.query, 'query') : undefined) as Infer<Q>;
      const body = (op.body ? parseInput(op.body, await readJsonBody(ctx, MAX_BODY_BYTES), 'body') : undefined) as Infer<B>;
      const audit: AuditContext = { actorId: caller?.userId ?? null, sourceIp: ctx.ip };
      const result = await op.handle({ ctx, params, query, body, caller: caller as ApiCall<P, Q, B, A>['caller'], audit });
      ctx.status = op.success.status;
      if (op.success.status !== 204) ctx.body = result;
    });
  }

  /** The OpenAPI 3.1 document of every operation registered so far. */
  function document(): object {
    return new OpenApiGeneratorV31(registry.definitions).generateDocument({
      openapi: '3.1.0',
      info: {
        title: 'kefu-hub console API',
        version: '1',
        description: 'Staff accounts and everything the console does. Every operation checks the caller on the server.',
      },
    });
  }

  return { operation, document };
}

function registerDocument(registry: OpenAPIRegistry, op: ApiOperation<unknown, unknown, unknown, Access>): void {
  const json = (description: string, schema: z.ZodType) => ({ description, content: { 'application/json': { schema } } });
  const { success } = op;
  const refusals: Record<number, ReturnType<typeof json>> = op.access === 'public'
    ? {}
    : { 401: json('Not signed in, or the token is invalid', errorBody), 403: json('Role not allowed, or CSRF check failed', errorBody) };
  registry.registerPath({
    method: op.method,
    path: op.path,
    summary: op.summary,
    tags: [op.tag],
    request: {
      ...(op.params instanceof z.ZodObject && { params: op.params }),
      ...(op.query instanceof z.ZodObject && { query: op.query }),
      ...(op.body instanceof z.ZodType && { body: { content: { 'application/json': { schema: op.body } } } }),
      ...(op.rawBody && {
        body: {
          description: op.rawBody.description,
          content: { [op.rawBody.contentType]: { schema: z.string().meta({ format: 'binary' }) } },
        },
      }),
    },
    responses: {
      [success.status]: success.schema
        ? { description: success.description, content: { [success.contentType ?? 'application/json']: { schema: success.schema } } }
        : { description: success.description },
      400: json('The request is invalid', errorBody),
      ...refusals,
    },
    security: op.access === 'public' ? [] : [{ session: [] }, { bearer: [] }],
    ...(op.access !== 'public' && { [ROLES_EXTENSION]: [...op.access] }),
  });
}

export type ApiRegistry = ReturnType<typeof createApiRegistry>;
