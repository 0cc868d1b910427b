import path from 'node:path';
import type { Command } from 'commander';
import { documentedBudgets, finishAt } from '../../apply/eta.js';
import { readJournal, type JournalContents } from '../../apply/journal.js';
import { countSteps, foldJournal } from '../../apply/journal-state.js';
import { EXIT, inputError, usageError, type ExitCode } from '../../domain/errors.js';
import { formatDuration } from '../../plan/estimate.js';
import { formatClock, newestJournal } from '../apply-support.js';
import { action, withJson, type CommandContext } from '../context.js';

/**
 * `fledge status [--journal FILE]`: where an import stands, read from its journal only (no network):
 * done, failed with reasons, unconfirmed, remaining, ETA under the instance's limits. Without
 * --journal it lists the journals in the default journal folder and shows the newest.
 */
export function registerStatus(command: Command, ctx: CommandContext): void {
  withJson(
    command
      .option('--journal <file>', 'the journal to read (default: the most recent one under ~/.local/state/fledge/journals)')
      .addHelpText('after', '\nExamples:\n  fledge status\n  fledge status --journal ./my-import.journal --json'),
  ).action(
    action(ctx, async (options: { journal?: string; json?: boolean }): Promise<ExitCode> => {
      const { io } = ctx;
      const file = options.journal ? path.resolve(io.cwd, options.journal) : newestJournal(io);
      const contents = readJournal(file);
      if (!contents) throw inputError('E_JOURNAL_NOT_FOUND', `no journal at ${file}`, { file, hint: 'pass the file given by `fledge import` (--journal FILE)' });
      // `fledge follows --follow` writes journals in the same format with kind 'people'.
      const kind: string = contents.header.kind;
      if (kind !== 'import' && kind !== 'undo') {
        throw usageError('E_JOURNAL_KIND', `${file} is the journal of \`fledge follows --follow\`, not of an import`, {
          file,
          hint: 'run the same `fledge follows … --follow` command again: it shows what is done and resumes the rest',
        });
      }
      const report = statusReport(contents, io.now());
      if (options.json) io.stdout.write(`${JSON.stringify({ journal: file, ...report }, null, 2)}\n`);
      else io.stdout.write(renderStatus(file, report));
      return EXIT.ok;
    }),
  );
}

export interface StatusReport {
  readonly kind: 'import' | 'undo';
  readonly instance: string;
  readonly account: string;
  readonly archiveAccount: string | null;
  readonly planned: number;
  readonly done: number;
  readonly failed: readonly { readonly step: string; readonly code: string; readonly reason: string }[];
  readonly unconfirmed: number;
  readonly remaining: number;
  readonly etaSeconds: number;
  readonly runs: number;
  readonly lastActivity: string | null;
  readonly deleted: number;
}

export function statusReport(contents: JournalContents, now: number): StatusReport {
  const { header } = contents;
  const state = foldJournal(contents.records);
  const counts = countSteps(state);
  const failed = [...state.steps.entries()]
    .filter(([, s]) => s.status === 'failed' && s.failure)
    .map(([step, s]) => ({ step, code: s.failure!.code, reason: s.failure!.reason }));
  const planned = header.plan.posts;
  const deleted = state.deleted.size;
  const done = header.kind === 'import' ? counts.done : deleted;
  const remaining = Math.max(0, planned - done - failed.length);
  // An import's schedule from the documented limits and the windows its runs journaled as used up (issue 16).
  const eta =
    header.kind === 'import'
      ? remaining > 0
        ? finishAt({ now, posts: Array.from({ length: remaining }, () => 0), budgets: documentedBudgets(header.rateLimits, state.limits, now) }) - now
        : 0
      : header.rateLimits.deletes
        ? Math.max(0, Math.ceil(remaining / header.rateLimits.deletes.limit) - 1) * header.rateLimits.deletes.periodSeconds * 1000
        : 0;
  return {
    kind: header.kind,
    instance: header.instance,
    account: header.targetAccount.acct,
    archiveAccount: header.archiveAccount.username ?? header.archiveAccount.id,
    planned,
    done,
    failed,
    unconfirmed: counts.unconfirmed,
    remaining,
    etaSeconds: Math.round(eta / 1000),
    runs: state.runs,
    lastActivity: state.lastActivityAt !== null ? new Date(state.lastActivityAt).toISOString() : null,
    deleted,
  };
}

function renderStatus(file: string, r: StatusReport): string {
  const n = (v: number): string => v.toLocaleString('en-US');
  const lines = [
    `${r.kind === 'import' ? 'Import' : 'Undo'} of ${r.archiveAccount ? `@${r.archiveAccount}` : 'an archive'} into ${r.account} (${r.instance})`,
    `Journal    ${file}`,
    `${r.kind === 'import' ? 'Posted' : 'Deleted'}     ${n(r.done)} of ${n(r.planned)}`,
    `Failed     ${n(r.failed.length)}`,
  ];
  for (const f of r.failed.slice(0, 30)) lines.push(`           ${f.step}: ${f.reason}`);
  if (r.failed.length > 30) lines.push(`           … and ${n(r.failed.length - 30)} more (--json lists all)`);
  if (r.unconfirmed > 0) lines.push(`In doubt   ${n(r.unconfirmed)} (on the wire when the last run stopped; checked against the account on resume)`);
  lines.push(`Remaining  ${n(r.remaining)}${r.remaining > 0 ? `, at least ${formatDuration(r.etaSeconds)} under the server's limits` : ''}`);
  lines.push(`Runs       ${n(r.runs)}${r.lastActivity ? `, last activity ${formatClock(Date.parse(r.lastActivity))}` : ''}`);
  if (r.remaining > 0) lines.push('', 'Run the same import command again to continue (it resumes from the journal).');
  return `${lines.join('\n')}\n`;
}
