import { scanArchive } from '../archive/io/read-archive.js';
import type { SourcePost } from '../domain/source.js';
import { decidePeople } from '../plan/people-decide.js';
import { planPeople } from '../plan/people.js';
import { renderPeopleReportSections } from './render/people-report.js';
import type { ReportSection } from './render/report-html.js';

/**
 * People sections for the dry-run report, offline (no mapping files, nothing verified). The archive
 * is scanned once more, keeping only posts that could name an address (an `@` after a word, or a
 * URL), so memory stays small for a big archive.
 */
export async function readPeopleReportSections(archivePath: string): Promise<ReportSection[]> {
  const posts: SourcePost[] = [];
  try {
    const header = await scanArchive(archivePath, (p) => {
      if (/\w@\w|:\/\//.test(p.text)) posts.push(p);
    });
    const plan = planPeople({ archive: { ...header, posts } });
    return renderPeopleReportSections(plan, decidePeople(plan, null, null));
  } catch (error) {
    // The report is still worth having without its people part (e.g. a plan file whose archive moved).
    return [{ title: 'People (fledge follows)', rows: [{ label: 'Not available', value: error instanceof Error ? error.message : String(error) }] }];
  }
}
