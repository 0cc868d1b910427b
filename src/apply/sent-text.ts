import type { InstanceCapabilities } from '../domain/capabilities.js';
import type { PostStep } from '../domain/plan.js';
import { countStatusLength } from '../plan/length.js';
import { findUrls } from '../plan/urls.js';

/**
 * The text a step is sent with, from the plan's text and what earlier steps became: the executor
 * sends it, `fledge verify` expects it back.
 */

/**
 * The step's text with each own-post link replaced in place by the address of the status its step
 * became. A link whose step was not posted stays as written; so does one whose longer address would
 * not fit where the server counts links at full length (GoToSocial): the old link still leads to
 * the post, a 422 would lose it.
 */
export function withOwnLinks(step: PostStep, view: ReadonlyMap<string, { status: string; statusUrl: string | null }>, capabilities: InstanceCapabilities, notice?: (m: string) => void): string {
  let text = step.text;
  for (const link of step.ownLinks ?? []) {
    const target = view.get(link.stepId);
    if (target?.status !== 'done' || !target.statusUrl) continue;
    const span = findUrls(text).find((u) => text.slice(u.start, u.end) === link.url);
    if (span === undefined) continue;
    const next = text.slice(0, span.start) + target.statusUrl + text.slice(span.end);
    const reserve = step.quote?.kind === 'step' ? step.quote.reservedLength : 0;
    if (countStatusLength(next, step.spoilerText, capabilities) + reserve > capabilities.maxCharacters) {
      notice?.(`${step.id}: the new address of ${link.stepId} does not fit; the link to the old post is kept`);
      continue;
    }
    text = next;
  }
  return text;
}

export function appendLink(text: string, url: string): string {
  if (url.length === 0) return text;
  return text.length > 0 ? `${text}\n\n${url}` : url;
}
