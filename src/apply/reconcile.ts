import { createHash } from 'node:crypto';
import type { InstanceStatus } from '../instance/types.js';
import { htmlToText } from '../domain/html-text.js';

/**
 * Exactly-once support: deterministic idempotency keys, and matching an unconfirmed step against the
 * statuses the account already has.
 */

/**
 * The `Idempotency-Key` of a step: a hash of the archive account, the step id, the instance and the
 * account written to. Deterministic, so a retry after a crash sends the same key and Mastodon
 * returns the status it already created within its 1-hour memory (post_status_service.rb:216-246,
 * spec §2.2); including the target account matters on Pleroma, whose key cache is global, not per
 * user (IdempotencyPlug, spec §8.3). Not random (house style: toot's random keys are what not to do).
 */
export function idempotencyKeyFor(parts: { archiveAccountId: string | null; stepId: string; instance: string; targetAccountId: string; attempt?: number }): string {
  const h = createHash('sha256');
  // `attempt` > 0 only after `fledge verify --fix` found the step's status gone (the old key would return it).
  h.update(`fledge/v1\n${parts.archiveAccountId ?? '-'}\n${parts.stepId}${parts.attempt ? `#${parts.attempt}` : ''}\n${parts.instance}\n${parts.targetAccountId}`);
  return `fledge-${h.digest('hex').slice(0, 40)}`;
}

/** Whitespace-insensitive form: servers trim, turn newlines into <br> and paragraphs; only the words are compared. */
export function normalizeText(text: string): string {
  return text.normalize('NFC').replace(/\s+/gu, ' ').trim();
}

export function textDigest(text: string): string {
  return createHash('sha256').update(normalizeText(text)).digest('hex').slice(0, 32);
}

export interface UnconfirmedStep {
  readonly stepId: string;
  readonly textDigest: string;
  readonly inReplyToId: string | null;
  readonly mediaCount: number;
}

/**
 * Pure matcher: which of the account's statuses is the unconfirmed step? Same text (digest of the
 * normalised text), same reply target, same number of attachments, and not already claimed by
 * another step. The first (newest) match wins; an identical earlier post would already be claimed
 * by the step that made it.
 */
export function findStatusForStep(step: UnconfirmedStep, statuses: readonly InstanceStatus[], claimed: ReadonlySet<string>): InstanceStatus | null {
  for (const status of statuses) {
    if (claimed.has(status.id)) continue;
    if ((status.inReplyToId ?? null) !== step.inReplyToId) continue;
    if (status.mediaIds.length !== step.mediaCount) continue;
    if (textDigest(htmlToText(status.content)) !== step.textDigest) continue;
    return status;
  }
  return null;
}
