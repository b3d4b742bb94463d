/**
 * An account by name from a channel's account list as it is NOW, with what the channel makes of
 * it (an API client, callback keys) made on first use. Accounts added in the console while the
 * process runs are pushed into that list (src/composition/follow-channel-account-changes.ts): they
 * are found at once, and an account replaced by a new object (new keys) gets new derived values.
 */
export function accountLookup<A extends object, V>(
  accounts: readonly A[],
  matches: (account: A, key: string) => boolean,
  make: (account: A) => V,
): (key: string) => { account: A; made: V } | undefined {
  const made = new WeakMap<A, V>();
  return (key) => {
    const account = accounts.find((a) => matches(a, key));
    if (!account) return undefined;
    if (!made.has(account)) made.set(account, make(account));
    return { account, made: made.get(account)! };
  };
}

export const byName = (account: { name: string }, name: string) => account.name === name;
