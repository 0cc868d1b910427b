export { ManualClock, systemClock, type ServerClock } from './clock.js';
export type { FaultAction, FaultRule, ActiveFault } from './faults.js';
export { PROFILES, type ProfileName, type ServerProfile } from './profiles.js';
export {
  DEFAULT_THROTTLES,
  MastodonTestServer,
  startTestServer,
  type MediaBehaviour,
  type RecordedRequest,
  type TestServerOptions,
} from './server.js';
export type { StoredStatus, StoredMedia, StoredAccount, StoredList } from './state.js';
