import type { InstanceCapabilities } from '../domain/capabilities.js';
import type { MigrationPlan, PostStep } from '../domain/plan.js';
import { countStatusLength } from '../plan/length.js';

/**
 * A plan file made for other capabilities (offline defaults, another server) is re-checked against
 * the instance's real ones before anything is sent (issue 5, item 1): every post must fit the live
 * character limit (recounted with the live counting rules, plus the room reserved for a quote link),
 * attachment count, sizes and MIME types, and a backdated post needs a server that can backdate.
 * Pure; returns one line per problem (empty = fine).
 */
export function checkPlanAgainst(plan: MigrationPlan, live: InstanceCapabilities, maxProblems = 20): string[] {
  const problems: string[] = [];
  let more = 0;
  const add = (step: PostStep, what: string): void => {
    if (problems.length < maxProblems) problems.push(`${step.id} (${step.source.url}): ${what}`);
    else more += 1;
  };
  // Escaped for Markdown or not: text planned for one kind of server would read wrong on the other (issue 13).
  const planned = (plan.capabilities.textFormat ?? 'plain') === 'markdown';
  const wanted = (live.textFormat ?? 'plain') === 'markdown';
  if (planned !== wanted) {
    problems.push(
      wanted
        ? 'the plan was made for a server that shows text as written, but this one renders Markdown (* _ 1. > would become formatting)'
        : 'the plan escapes its text for a Markdown server, but this one shows text as written (the backslashes would show)',
    );
  }
  for (const step of plan.steps) {
    if (step.type !== 'post') continue;
    const reserved = step.quote?.kind === 'step' ? step.quote.reservedLength : 0;
    const length = countStatusLength(step.text, step.spoilerText, live) + reserved;
    if (length > live.maxCharacters) add(step, `${length} characters, the server allows ${live.maxCharacters}`);
    if (step.media.length > live.maxMediaAttachments) add(step, `${step.media.length} media, the server allows ${live.maxMediaAttachments}`);
    for (const m of step.media) {
      if (live.supportedMimeTypes.length > 0 && !live.supportedMimeTypes.includes(m.mimeType)) add(step, `${m.file} is ${m.mimeType}, which the server does not accept`);
      const limit = m.kind === 'image' ? live.imageSizeLimit : live.videoSizeLimit;
      if (m.bytes > limit) add(step, `${m.file} is ${m.bytes} bytes, over the server's ${limit}`);
    }
    if (step.scheduledAt !== null && live.backdating !== 'scheduled_at') {
      add(step, 'is backdated (scheduled_at), but this server cannot backdate: it would publish the post now with today\'s date');
    }
  }
  if (more > 0) problems.push(`… and ${more} more`);
  return problems;
}
