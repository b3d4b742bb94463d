import type { Database } from './connect.ts';

/** A transaction's handle, as `db.transaction` passes it. */
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

/** Where a statement may run: the database itself, or inside a caller's transaction. */
export type Executor = Database | Transaction;
