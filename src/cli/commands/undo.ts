import path from 'node:path';
import type { Command } from 'commander';
import { RateGovernor } from '../../apply/governor.js';
import { JOURNAL_FORMAT, JOURNAL_VERSION, openJournalWriter, readJournal, type JournalHeader } from '../../apply/journal.js';
import { foldJournal } from '../../apply/journal-state.js';
import { undoImport, undoTargets } from '../../apply/undo.js';
import { EXIT, inputError, usageError, type ExitCode } from '../../domain/errors.js';
import { formatDuration } from '../../plan/estimate.js';
import { backoffScale, cliClock, connect, resumeCommand } from '../apply-support.js';
import { action, withJson, type CommandContext } from '../context.js';
import { confirm } from '../confirm.js';
import { createProgress } from '../progress.js';
import { renderError } from '../render/error.js';

/**
 * `fledge undo --journal FILE [--dry-run]`: delete the posts an import created, within the server's
 * delete limit (Mastodon: 30 per 30 minutes), newest first. The undo has its own journal
 * (`<FILE>.undo`), so it can be interrupted and resumed like the import.
 */
export function registerUndo(command: Command, ctx: CommandContext): void {
  withJson(
    command
      .requiredOption('--journal <file>', 'the journal of the import to undo')
      .option('--dry-run', 'show what would be deleted and how long it takes, delete nothing')
      .option('--account <user@host>', 'which stored login to use when you have several')
      .option('-y, --yes', 'do not ask for confirmation (needed when stdin is not a terminal)')
      .addHelpText('after', '\nExamples:\n  fledge undo --journal ~/.local/state/fledge/journals/me-to-me@example.social.journal --dry-run\n  fledge undo --journal import.journal --yes'),
  ).action(
    action(ctx, async (options: { journal: string; dryRun?: boolean; account?: string; yes?: boolean; json?: boolean }, cmd: Command): Promise<ExitCode> => {
      const { io } = ctx;
      const rawArgs = (cmd.parent as unknown as { rawArgs?: string[] } | null)?.rawArgs ?? ['undo', '--journal', options.journal];
      const importFile = path.resolve(io.cwd, options.journal);
      const imported = readJournal(importFile);
      if (!imported) throw inputError('E_JOURNAL_NOT_FOUND', `no journal at ${importFile}`, { file: importFile, hint: 'pass the journal `fledge import` printed' });
      if (imported.header.kind !== 'import') {
        throw usageError('E_JOURNAL_KIND', `${importFile} is an undo journal; pass the import journal it belongs to`, { file: importFile });
      }
      const undoFile = `${importFile}.undo`;
      const undone = readJournal(undoFile);
      const importState = foldJournal(imported.records);
      const undoState = undone ? foldJournal(undone.records) : null;
      const targets = undoTargets(importState, undoState, imported.records);
      const deletes = imported.header.rateLimits.deletes;
      const eta = deletes ? Math.max(0, Math.ceil(targets.length / deletes.limit) - 1) * deletes.periodSeconds : 0;
      const out = options.json ? io.stderr : io.stdout;
      out.write(
        `Undo of the import into ${imported.header.targetAccount.acct} (${imported.header.instance}): ${targets.length} post(s) to delete` +
          `${undoState ? `, ${undoState.deleted.size} already deleted` : ''}` +
          `${targets.length > 0 ? `; at least ${formatDuration(eta)}${deletes ? ` (${deletes.limit} deletes per ${formatDuration(deletes.periodSeconds)})` : ''}` : ''}.\n`,
      );
      if (options.dryRun) {
        if (options.json) io.stdout.write(`${JSON.stringify({ dryRun: true, journal: importFile, toDelete: targets, etaSeconds: eta }, null, 2)}\n`);
        return EXIT.ok;
      }
      if (targets.length === 0) {
        if (options.json) io.stdout.write(`${JSON.stringify({ outcome: 'complete', deleted: 0, alreadyGone: 0, failed: [], remaining: 0 }, null, 2)}\n`);
        return EXIT.ok;
      }

      const { client } = await connect(io, imported.header.instance, options.account, rawArgs.includes('--debug'));
      const me = (await client.verifyCredentials()).data;
      if (me.id !== imported.header.targetAccount.id) {
        throw usageError('E_JOURNAL_MISMATCH', `the journal's posts belong to ${imported.header.targetAccount.acct}, but you are logged in as another account (${me.acct})`, {
          hint: `choose that login with --account ${imported.header.targetAccount.acct}`,
        });
      }
      if (!(await confirm(io, `Delete ${targets.length} post(s) from ${imported.header.targetAccount.acct}? This cannot be undone.`, options.yes))) {
        io.stderr.write('Nothing was deleted.\n');
        return EXIT.ok;
      }
      const clock = cliClock(io);
      const header: JournalHeader = {
        ...imported.header,
        type: 'header',
        format: JOURNAL_FORMAT,
        version: JOURNAL_VERSION,
        kind: 'undo',
        createdAt: new Date(clock.now()).toISOString(),
        importJournal: importFile,
      };
      const journal = openJournalWriter(undoFile, header);
      const progress = createProgress(io, { intervalMs: 15_000 });
      const governor = new RateGovernor({ clock, rateLimits: imported.header.rateLimits, backoffScale: backoffScale(io) });
      let result;
      try {
        result = await undoImport({
          client,
          targets,
          journal,
          clock,
          governor,
          signal: io.interrupted,
          backoffScale: backoffScale(io),
          onProgress: (done, total) => {
            const w = governor.waiting;
            progress.update(`Deleted ${done}/${total}${w ? ` · waiting for the delete limit until ${new Date(w.until).toISOString().slice(11, 19)} UTC` : ''}`);
          },
        });
      } finally {
        progress.done();
        journal.close();
      }
      const code: ExitCode = result.error ? result.error.exitCode : result.outcome === 'interrupted' ? EXIT.interrupted : result.failed.length > 0 ? EXIT.someFailed : EXIT.ok;
      if (options.json) io.stdout.write(`${JSON.stringify({ ...result, error: result.error ? { code: result.error.code, message: result.error.message } : null, journal: undoFile, exitCode: code }, null, 2)}\n`);
      else {
        io.stdout.write(`Deleted ${result.deleted}${result.alreadyGone > 0 ? ` (+${result.alreadyGone} already gone)` : ''}; remaining ${result.remaining}; failed ${result.failed.length}.\n`);
        for (const f of result.failed) io.stdout.write(`  ${f.step} (status ${f.statusId}): ${f.reason}\n`);
      }
      if (result.error) io.stderr.write(renderError(result.error, { debug: rawArgs.includes('--debug') }));
      if (result.outcome !== 'complete') io.stderr.write(`The undo journal is saved; to resume, run:\n  ${resumeCommand(rawArgs, importFile)}\n`);
      return code;
    }),
  );
}
