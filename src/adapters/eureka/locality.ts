/** Istio locality (`region/zone`) of a Eureka instance. */

/** An AWS- or GCP-style zone name: the region followed by one letter (`eu-west-1b`, `europe-west1-b`). */
const CLOUD_ZONE = /^([a-z]+(?:-[a-z]+)*-?\d+)-?[a-z]$/;

/**
 * Zone: metadata `zone` (Spring Cloud's convention), else the
 * `availability-zone` of an AWS dataCenterInfo. Region: metadata `region`,
 * else derived from a cloud-style zone name (`eu-west-1b` is in
 * `eu-west-1`). The locality is `region/zone`, just the region, or just the
 * zone when no region is known (Istio then reads it as the region). A part
 * holding "/" cannot be used and is left out with an issue.
 */
export function localityOf(
  metadata: ReadonlyMap<string, string>,
  availabilityZone: string | undefined,
): { value?: string; issue?: string } {
  let issue: string | undefined;
  const usable = (key: string, v: string | undefined): string | undefined => {
    const t = v?.trim();
    if (t === undefined || t === '') return undefined;
    if (t.includes('/')) {
      issue = `${key} "${t}" contains "/"; not used for the locality`;
      return undefined;
    }
    return t;
  };
  const zone = usable('zone', metadata.get('zone')) ?? usable('availability-zone', availabilityZone);
  const region =
    usable('region', metadata.get('region')) ?? (zone === undefined ? undefined : regionOf(zone));
  const value = region !== undefined && zone !== undefined ? `${region}/${zone}` : (region ?? zone);
  return { ...(value === undefined ? {} : { value }), ...(issue === undefined ? {} : { issue }) };
}

function regionOf(zone: string): string | undefined {
  const m = CLOUD_ZONE.exec(zone);
  return m?.[1];
}
