/** The test server's in-memory state: what tests inspect after a run. Plain records, no database. */

export interface StoredAccount {
  readonly id: string;
  username: string;
  /** null for local accounts. */
  readonly domain: string | null;
  displayName: string;
  note: string;
  locked: boolean;
  bot: boolean;
  avatar: { fileName: string; type: string; size: number } | null;
  header: { fileName: string; type: string; size: number } | null;
  fields: { name: string; value: string }[];
  readonly createdAt: string;
  /** Default posting language (account setting); null = unset. */
  language: string | null;
  /** Known to the server (lookup finds it). Remote accounts that are only resolvable through search start false. */
  known: boolean;
  /** The account moved to this one (serialized as `moved`). */
  movedToId?: string | null;
  /** Suspended: left out of searches by name, and shown blanked with `suspended: true` (REST::AccountSerializer). */
  suspended?: boolean;
}

export interface StoredApp {
  readonly id: string;
  readonly name: string;
  readonly website: string | null;
  readonly redirectUris: string[];
  readonly scopes: string[];
  readonly clientId: string;
  readonly clientSecret: string;
}

export interface StoredAuthCode {
  readonly code: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly scopes: string[];
  readonly accountId: string;
  readonly codeChallenge: string | null;
  readonly codeChallengeMethod: string | null;
  readonly expiresAt: number;
  used: boolean;
}

export interface StoredToken {
  readonly id: string;
  readonly token: string;
  readonly clientId: string;
  /** null for client_credentials (app-only) tokens. */
  readonly accountId: string | null;
  readonly scopes: string[];
  readonly createdAt: number;
  revoked: boolean;
}

export interface StoredStatus {
  readonly id: string;
  readonly accountId: string;
  readonly text: string;
  readonly spoilerText: string;
  readonly visibility: string;
  readonly language: string | null;
  readonly sensitive: boolean;
  readonly inReplyToId: string | null;
  readonly mediaIds: string[];
  readonly quotedStatusId: string | null;
  /** How the text is rendered (the profile's rule applied to the request's content_type). */
  readonly contentType: 'text/plain' | 'text/markdown';
  /** When the status says it was created (a backfilled GoToSocial status keeps its past date). */
  readonly createdAt: string;
  /** The scheduled_at the client sent, verbatim (null when absent). */
  readonly requestedScheduledAt: string | null;
  /** A GoToSocial backfill: not federated, not in timelines (spec §8.1). */
  readonly backfilled: boolean;
  readonly idempotencyKey: string | null;
  /** The server clock when the request arrived. */
  readonly receivedAt: number;
  deleted: boolean;
}

export interface StoredScheduledStatus {
  readonly id: string;
  readonly accountId: string;
  readonly scheduledAt: string;
  readonly params: Record<string, unknown>;
  readonly idempotencyKey: string | null;
}

export interface StoredMedia {
  readonly id: string;
  readonly accountId: string;
  readonly type: 'image' | 'video' | 'gifv' | 'audio' | 'unknown';
  readonly mimeType: string;
  readonly fileName: string;
  readonly size: number;
  description: string | null;
  focus: string | null;
  processing: 'processing' | 'done' | 'failed';
  /** Polls (GET /api/v1/media/:id) seen while processing. */
  polls: number;
  readonly readyAt: number;
  readonly willFail: boolean;
  statusId: string | null;
}

export interface StoredFollow {
  readonly accountId: string;
  readonly targetId: string;
  reblogs: boolean;
  notify: boolean;
  languages: string[] | null;
  requested: boolean;
}

export interface StoredMute {
  readonly accountId: string;
  readonly targetId: string;
  notifications: boolean;
  /** ms since epoch, null = forever. */
  expiresAt: number | null;
}

export interface StoredList {
  readonly id: string;
  readonly accountId: string;
  title: string;
  repliesPolicy: string;
  exclusive: boolean;
  readonly accountIds: string[];
}

export interface StoredImport {
  readonly accountId: string;
  readonly type: string;
  readonly mode: string;
  readonly rows: string[][];
}

export interface ServerState {
  readonly accounts: Map<string, StoredAccount>;
  readonly apps: Map<string, StoredApp>;
  readonly authCodes: Map<string, StoredAuthCode>;
  readonly tokens: Map<string, StoredToken>;
  readonly statuses: Map<string, StoredStatus>;
  readonly scheduledStatuses: Map<string, StoredScheduledStatus>;
  readonly media: Map<string, StoredMedia>;
  readonly follows: Map<string, StoredFollow>;
  readonly blocks: Map<string, { accountId: string; targetId: string }>;
  readonly mutes: Map<string, StoredMute>;
  readonly lists: Map<string, StoredList>;
  readonly imports: StoredImport[];
  /** key → { status id or serialized response, expiry } */
  readonly idempotency: Map<string, { statusId: string | null; scheduledId: string | null; expiresAt: number; replay?: { status: number; body: string } }>;
}

export function emptyState(): ServerState {
  return {
    accounts: new Map(),
    apps: new Map(),
    authCodes: new Map(),
    tokens: new Map(),
    statuses: new Map(),
    scheduledStatuses: new Map(),
    media: new Map(),
    follows: new Map(),
    blocks: new Map(),
    mutes: new Map(),
    lists: new Map(),
    imports: [],
    idempotency: new Map(),
  };
}

export const pairKey = (a: string, b: string): string => `${a}->${b}`;
