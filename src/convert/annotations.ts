/** Label and annotation keys the bridge writes on every resource. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'istio-registry-bridge';
export const REGISTRY_LABEL = 'registry-bridge.io/registry';
/** WorkloadEntry label that the ServiceEntry's workloadSelector matches (workloadentry mode). */
export const SERVICE_SELECTOR_LABEL = 'registry-bridge.io/service';

export const ORIGINAL_NAME_ANNOTATION = 'registry-bridge.io/original-name';
export const REGISTRY_TYPE_ANNOTATION = 'registry-bridge.io/registry-type';
