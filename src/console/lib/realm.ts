import { useSyncExternalStore } from 'react';
import type { SessionResponse } from '../../../contracts/console-api';

/**
 * The realm the console works in. Console routes carry no realm (`/identities/:id`): a tenant
 * usually has one, and the session names the one to open (`default_realm_id`). An admin of a
 * tenant with several picks another in the header; the choice lasts for the tab (sessionStorage).
 */
const STORAGE_KEY = 'bindery-console-realm';

let realmId = '';
const listeners = new Set<() => void>();

function readStored(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

/** The current realm's id ('' before the session is known). */
export function getRealmId(): string {
  return realmId;
}

/** Switches the console to another realm of the session's tenant. */
export function selectRealm(id: string): void {
  if (id === realmId) return;
  realmId = id;
  try {
    sessionStorage.setItem(STORAGE_KEY, id);
  } catch {
    // Storage may be unavailable (private mode): the choice then lasts until the page reloads.
  }
  for (const listener of listeners) listener();
}

/** Picks the realm for a (new) session: the current or stored one if the session's tenant has it, else the default. */
export function adoptSessionRealm(session: SessionResponse): string {
  const known = (id: string | null) => id !== null && session.realms.some((realm) => realm.id === id);
  const stored = readStored();
  const next = known(realmId) ? realmId : known(stored) ? stored! : session.default_realm_id;
  selectRealm(next);
  return next;
}

/** The current realm's id, re-rendering when the admin switches realms. */
export function useRealmId(): string {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getRealmId,
    getRealmId,
  );
}
