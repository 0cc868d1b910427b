/**
 * The user's decisions about the plan, made in the dry-run report and saved as a small, versioned
 * file (`fledge-decisions.json`): step ids and their edits, never the plan itself. `fledge plan|import
 * --decisions FILE` applies them (src/plan/decisions.ts). The report's page builds the same shape
 * (src/report/page/curation.ts), so both sides share these types and the text fingerprint.
 */
import type { SkipReason, Visibility } from './plan.js';

export const DECISIONS_FORMAT = 'fledge-decisions';
export const DECISIONS_VERSION = 1;

export interface StepDecision {
  /** The step the decision was made on: `post:<id>[#<n>]` or `skip:<id>` (domain/plan.ts StepId). */
  readonly step: string;
  /** Leave the whole source post out (every part of a split post). */
  readonly exclude?: true;
  /** Import a post the plan skipped for one of INCLUDABLE_REASONS. */
  readonly include?: true;
  /** The step's new text as the user wrote it (not Markdown-escaped), and the fingerprint of the planned text it replaces. */
  readonly text?: string;
  readonly base?: string;
  /** Content warning; '' removes it. */
  readonly spoiler?: string;
  readonly sensitive?: boolean;
  readonly visibility?: Visibility;
  /** Alt text by media key (the key the --alt-text CSV uses). */
  readonly alt?: Readonly<Record<string, string>>;
}

export interface DecisionsFile {
  readonly format: typeof DECISIONS_FORMAT;
  readonly version: typeof DECISIONS_VERSION;
  /** The archive the decisions were made for (its account and post count), to name a mismatch. */
  readonly archive: { readonly account: string | null; readonly posts: number };
  readonly decisions: readonly StepDecision[];
}

/**
 * Skip reasons a decision may override: the ones that come from an option or a filter. Media
 * problems, posts too long to split and empty posts cannot be posted however the user decides.
 */
export const INCLUDABLE_REASONS: readonly SkipReason[] = [
  'reply-to-others',
  'repost',
  'circle',
  'unmatched-note',
  'filter-date',
  'filter-text',
  'filter-id',
  'filter-likes',
  'filter-language',
  'excluded',
];

/** Is a skip of this reason one a decision may turn into a post? */
export function isIncludable(reason: string): boolean {
  return (INCLUDABLE_REASONS as readonly string[]).includes(reason);
}

/**
 * A short fingerprint of a planned text (53-bit, hex): a text decision names the text it replaced,
 * so a decision made on another plan (the archive or the options changed) is reported, not applied.
 * Written out because the page has no synchronous hash and this needs no cryptographic strength:
 * the cyrb53 mix of two 32-bit multiply-xor streams (public domain, bryc/code jshash).
 */
export function textFingerprint(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, '0');
}

/** The source post id of a step id. */
export function sourceIdOfStep(step: string): string {
  return step.replace(/^(post|skip):/, '').replace(/#\d+$/, '');
}
