import type { HealthPolicy } from './settings.js';

export type CheckStatus = 'passing' | 'warning' | 'critical';

/**
 * Aggregates the checks of one instance (its own and its node's) the way
 * Consul does: any critical makes it critical, else any warning makes it
 * warning, else (including no checks at all) it is passing. A status Consul
 * does not document counts as critical, so nothing unknown is served.
 */
export function aggregateStatus(statuses: readonly unknown[]): CheckStatus {
  let result: CheckStatus = 'passing';
  for (const s of statuses) {
    if (s === 'passing') continue;
    if (s === 'warning') result = 'warning';
    else return 'critical';
  }
  return result;
}

/** Whether an instance with this aggregate status is served under the policy. */
export function isHealthy(status: CheckStatus, policy: HealthPolicy): boolean {
  switch (policy) {
    case 'any':
      return true;
    case 'passing+warning':
      return status !== 'critical';
    case 'passing':
      return status === 'passing';
  }
}
