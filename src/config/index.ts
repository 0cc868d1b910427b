export { resolveConfigPaths, type ConfigEnv, type ConfigPaths } from './config-paths.js';
export * from './credentials.js';
export { loadSession, type LoadedSession, type LoadSessionInput } from './load-session.js';
export { selectSession, type Session, type SessionRequest } from './select-credentials.js';
