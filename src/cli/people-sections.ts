import { scanArchive } from '../archive/io/read-archive.js';
import type { SourceArchive, SourcePost } from '../domain/source.js';
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
      if (MAY_NAME_ADDRESS.test(p.text)) posts.push(p);
    });
    return peopleReportSections({ ...header, posts });
  } catch (error) {
    // The report is still worth having without its people part (e.g. a plan file whose archive moved).
    return [{ title: 'People (fledge follows)', rows: [{ label: 'Not available', value: error instanceof Error ? error.message : String(error) }] }];
  }
}

/** The same sections from an archive already read (the dry run of an archive has it in memory). */
export function peopleReportSections(archive: SourceArchive): ReportSection[] {
  const posts = archive.posts.filter((p) => MAY_NAME_ADDRESS.test(p.text));
  const plan = planPeople({ archive: { ...archive, posts } });
  return renderPeopleReportSections(plan, decidePeople(plan, null, null));
}

/** Only posts with an `@` after a word, or a URL, can name a fediverse address. */
const MAY_NAME_ADDRESS = /\w@\w|:\/\//;
