import { shellQuote } from '../shell-quote.js';

/**
 * What `fledge` alone, or `fledge <archive>`, prints: the three steps of a migration, filled in with
 * the archive when one was given. Pure.
 */
export function renderFirstRunGuide(archive: string | null): string {
  const a = archive === null ? '<archive.zip>' : shellQuote(archive);
  const steps: readonly (readonly [command: string, what: string])[] = [
    [`fledge inspect ${a}`, 'see what is in it'],
    [`fledge import ${a} --dry-run --report preview.html`, 'preview every post offline; nothing is sent'],
    [`fledge login --instance https://your.server && fledge import ${a}`, 'post it (asks first; safe to stop and rerun)'],
  ];
  const width = Math.max(...steps.map(([command]) => command.length));
  const lines = [
    archive === null
      ? 'fledge moves your Twitter/X archive (X: Settings › Your account › Download an archive of your data) to a Mastodon-API server.'
      : 'fledge moves this Twitter/X archive to a Mastodon-API server. Next:',
    ...steps.map(([command, what], i) => `  ${i + 1}. ${command.padEnd(width)}   ${what}`),
    'Every command: fledge --help',
  ];
  return lines.join('\n') + '\n';
}
