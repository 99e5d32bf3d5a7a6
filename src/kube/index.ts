/** The Kubernetes adapter: where the API server is, a small REST client, list+watch, discovery. */
export { loadKube, NoKubeconfigError, type KubeTarget, type LoadOptions, type TlsOptions } from "./config.ts";
export { KubeApiError, KubeClient, lines, type RequestOptions } from "./client.ts";
export {
  objectPath,
  Reflector,
  type ChangeType,
  type RawObject,
  type ReflectorOptions,
  type ResourceType,
} from "./watch.ts";
export { discover, fluxTypes, type Wanted } from "./discovery.ts";
export { getJson, reachable, serviceProxyGet, type ServiceRef } from "./service-proxy.ts";
export { builtinTypes } from "./types.ts";
