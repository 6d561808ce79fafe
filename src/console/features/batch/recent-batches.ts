/**
 * The batches started from this tab, newest first. The console API reads a batch by id but does
 * not list them, so the Batch page offers these (ids and counts only: nothing secret).
 */
export interface RecentBatch {
  id: string;
  create_time: string;
  total: number;
}

const MAX = 20;
const key = (realmId: string) => `bindery-console-batches:${realmId}`;

export function recentBatches(realmId: string): RecentBatch[] {
  try {
    const value: unknown = JSON.parse(sessionStorage.getItem(key(realmId)) ?? '[]');
    return Array.isArray(value)
      ? value.filter(
          (item): item is RecentBatch =>
            typeof item === 'object' && item !== null && typeof item.id === 'string' && typeof item.create_time === 'string' && typeof item.total === 'number',
        )
      : [];
  } catch {
    return [];
  }
}

export function rememberBatch(realmId: string, batch: RecentBatch): void {
  try {
    const rest = recentBatches(realmId).filter((item) => item.id !== batch.id);
    sessionStorage.setItem(key(realmId), JSON.stringify([batch, ...rest].slice(0, MAX)));
  } catch {
    // Storage unavailable: the batch page itself still works.
  }
}
