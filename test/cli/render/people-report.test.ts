import { expect, it } from 'vitest';
import { renderPeopleReportSections } from '../../../src/cli/render/people-report.js';
import type { PeoplePlan, Person } from '../../../src/domain/people.js';
import { decidePeople } from '../../../src/plan/people-decide.js';

const person = (username: string, candidates: Person['candidates']): Person => ({
  accountId: `1${username.length}`,
  username,
  displayName: null,
  nameSources: ['mention'],
  relations: ['following'],
  profileUrl: `https://twitter.com/${username}`,
  candidates,
});

it('the dry-run report lists possible matches with their candidates, evidence and confidence', () => {
  const plan: PeoplePlan = {
    people: [
      person('decoy_dan', [{ acct: 'decoy_dan@same.example', source: 'same-username', confidence: 'low', evidence: 'same username; nothing on the profile says it is them' }]),
      person('linked_lu', [{ acct: 'linked_lu@field.example', source: 'profile-evidence', confidence: 'high', evidence: 'field "Twitter": "https://twitter.com/linked_lu"' }]),
    ],
    lists: [],
    counts: { following: 2, blocked: 0, muted: 0, followers: 0, named: 2, withAddress: 2, trusted: 1 },
    warnings: [],
  };
  const sections = renderPeopleReportSections(plan, decidePeople(plan, null, null));
  const possible = sections.find((s) => s.title.startsWith('People: possible matches'));
  expect(possible?.rows).toEqual([{ label: '@decoy_dan', value: 'decoy_dan@same.example (low: same username; nothing on the profile says it is them)' }]);
  const done = sections.find((s) => s.title === 'People: what would be done');
  expect(done?.rows[0]?.value).toContain('linked_lu@field.example (high: field "Twitter": "https://twitter.com/linked_lu")');
});
