/** Public surface of src/instance/: everything the import engine and the CLI may use. */
export { createInstanceClient, DEFAULT_TIMEOUT_MS, USER_AGENT, parseInstanceV1, parseInstanceV2 } from './client.js';
export { readInstanceCapabilities, softwareOf, toCapabilities, versionAtLeast, type Preflight } from './capabilities.js';
export { classifyStatus, InstanceError, isInstanceError, type InstanceErrorKind } from './instance-error.js';
export { isLoopbackHost, normalizeInstanceUrl } from './instance-url.js';
export { msUntilReset, parseIsoInstant, parseRateLimitHeaders } from './rate-limit.js';
export * from './oauth.js';
export type * from './types.js';
