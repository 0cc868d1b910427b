import type { Command } from 'commander';
import { scanArchive } from '../../archive/io/read-archive.js';
import { SummaryBuilder } from '../../archive/summarize.js';
import { EXIT } from '../../domain/errors.js';
import { action, withJson, type CommandContext } from '../context.js';
import { createProgress } from '../progress.js';
import { renderInspect } from '../render/inspect.js';
import { readingProgress } from '../plan-options.js';

export function registerInspect(command: Command, ctx: CommandContext): void {
  withJson(
    command
      .addHelpText('after', '\nExamples:\n  fledge inspect twitter-2024-01-31-abc123.zip\n  fledge inspect ~/Downloads/twitter-archive/ --json | jq .tweets'),
  ).action(
    action(ctx, async (archive: string, options: { json?: boolean }) => {
      const { io } = ctx;
      const progress = createProgress(io);
      const summary = new SummaryBuilder();
      progress.update('Reading archive…');
      const header = await scanArchive(archive, (post) => summary.add(post), {
        onProgress: (p) => progress.update(readingProgress(p)),
      });
      progress.done();
      const result = summary.finish(header);
      if (options.json) io.stdout.write(JSON.stringify(result, null, 2) + '\n');
      else io.stdout.write(renderInspect(result, archive));
      return EXIT.ok;
    }),
  );
}
