import type { Command } from 'commander';
import { scanArchive } from '../../archive/io/read-archive.js';
import { SummaryBuilder } from '../../archive/summarize.js';
import { EXIT } from '../../domain/errors.js';
import { action, withJson, type CommandContext } from '../context.js';
import { createProgress } from '../progress.js';
import { renderInspect } from '../render/inspect.js';

export function registerInspect(program: Command, ctx: CommandContext): void {
  withJson(
    program
      .command('inspect')
      .argument('<archive>', 'the archive: the .zip from X, or the folder you unpacked it into')
      .description('Show what is in a Twitter/X archive: account, tweets by kind, media, people, lists, warnings.')
      .addHelpText('after', '\nExamples:\n  fledge inspect twitter-2024-01-31-abc123.zip\n  fledge inspect ~/Downloads/twitter-archive/ --json | jq .tweets'),
  ).action(
    action(ctx, async (archive: string, options: { json?: boolean }) => {
      const { io } = ctx;
      const progress = createProgress(io);
      const summary = new SummaryBuilder();
      progress.update('Reading archive…');
      const header = await scanArchive(archive, (post) => summary.add(post), {
        onProgress: (p) => progress.update(`Reading archive… ${p.total > 0 ? Math.floor((100 * p.done) / p.total) : 0}% (${p.posts.toLocaleString('en-US')} posts)`),
      });
      progress.done();
      const result = summary.finish(header);
      if (options.json) io.stdout.write(JSON.stringify(result, null, 2) + '\n');
      else io.stdout.write(renderInspect(result, archive));
      return EXIT.ok;
    }),
  );
}
