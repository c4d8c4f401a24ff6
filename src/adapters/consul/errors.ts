/** Which Consul error is shown when several watches fail: the one the user must act on first. */
export const CONSUL_ERROR_PRIORITY: readonly string[] = [
  'IRB_REGISTRY_AUTH',
  'IRB_CONSUL_UNKNOWN_DATACENTER',
  'IRB_CONSUL_BAD_REQUEST',
  'IRB_REGISTRY_UNREACHABLE',
];
