import { createContext, useContext } from 'react';

/** Whether the event stream is open, for the queries that refetch on a timer only while it is not. */
export const LiveStatus = createContext(false);

/** While the event stream is down, what is on screen is refreshed this often instead. */
const POLL_WITHOUT_LIVE_MS = 15_000;

export function usePollingWhileOffline(): number | false {
  return useContext(LiveStatus) ? false : POLL_WITHOUT_LIVE_MS;
}
