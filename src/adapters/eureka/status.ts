/** Eureka instance statuses, and which one decides whether an instance is served. */

/** Every instance status Eureka knows. */
export const EUREKA_STATUSES = ['UP', 'DOWN', 'STARTING', 'OUT_OF_SERVICE', 'UNKNOWN'] as const;
export type EurekaStatus = (typeof EUREKA_STATUSES)[number];

/**
 * The status that counts, by the rules a Eureka server applies itself: an
 * instance that reports itself DOWN or STARTING is believed; otherwise an
 * operator's override (`overriddenStatus`, set with PUT .../status) wins
 * over what the instance reports; UNKNOWN means no override.
 */
export function effectiveStatus(status: string, overriddenStatus: string | undefined): string {
  if (status === 'DOWN' || status === 'STARTING') return status;
  if (overriddenStatus !== undefined && overriddenStatus !== 'UNKNOWN') return overriddenStatus;
  return status;
}
