import type { InspectSummary } from '../../archive/summarize.js';

const GENERATIONS: Record<InspectSummary['generation'], string> = {
  'grailbird-csv': 'classic tweet archive, 2013 (data/csv/YYYY_MM.csv)',
  grailbird: 'classic tweet archive, 2013–2019 (tweets.csv, data/js/tweets/)',
  'ytd-2018': 'data archive, 2018–2019 (files at the root, tweet.js)',
  'ytd-2020': 'data archive, 2020–2022 (data/tweet.js, tweet_media/)',
  'ytd-2022': 'data archive, 2022 or later (data/tweets.js, tweets_media/)',
};

function n(value: number): string {
  return value.toLocaleString('en-US');
}

function bytes(value: number): string {
  if (value < 1024) return `${value} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = value / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}

function date(iso: string | null): string {
  return iso ? iso.slice(0, 10) : '—';
}

/** The human-readable `fledge inspect` report (pure). */
export function renderInspect(s: InspectSummary, label: string): string {
  const t = s.tweets;
  const m = s.media;
  const g = s.graph;
  const who = s.account.username ? `@${s.account.username}` : 'unknown account';
  const lines = [
    `Archive    ${label}`,
    `Format     ${GENERATIONS[s.generation]}`,
    `Account    ${who}${s.account.displayName ? ` (${s.account.displayName})` : ''}${s.account.accountId ? `, id ${s.account.accountId}` : ''}`,
  ];
  if (s.account.previousUsernames.length > 0) lines.push(`           formerly ${s.account.previousUsernames.map((u) => `@${u}`).join(', ')}`);
  lines.push(
    '',
    `Tweets     ${n(t.total)}, ${date(t.first)} → ${date(t.last)}`,
    `  original              ${n(t.original)}`,
    `  thread replies (self) ${n(t.selfReply)}`,
    `  replies to others     ${n(t.replyToOther)}`,
    `  retweets              ${n(t.retweet)}`,
    `  quotes                ${n(t.quote)}`,
    `  long posts (joined)   ${n(t.longPost)}`,
    `  Circle (semi-private) ${n(t.circle)}`,
  );
  if (t.community > 0) lines.push(`  in communities        ${n(t.community)}`);
  if (t.edited > 0) lines.push(`  edited (last version) ${n(t.edited)}`);
  lines.push(
    '',
    `Media      ${n(m.total)} (${n(m.photo)} photos, ${n(m.video)} videos, ${n(m.gif)} GIFs), ${bytes(m.bytes)} in the archive`,
    `  missing files         ${n(m.missing)}`,
    '',
    `People     following ${n(g.following)}, followers ${n(g.followers)}, blocked ${n(g.blocks)}, muted ${n(g.mutes)}`,
    `  with a recovered name ${n(g.named)}`,
    `Lists      ${n(g.lists)} (${n(g.listsCreated)} created, ${n(g.listsMember)} member of, ${n(g.listsSubscribed)} subscribed)`,
  );
  if (s.profile) {
    const has = (Object.entries(s.profile) as [string, boolean][]).filter(([, v]) => v).map(([k]) => k);
    lines.push(`Profile    ${has.length > 0 ? has.join(', ') : 'empty'}`);
  }
  if (s.warnings.length > 0) {
    lines.push('', `Warnings   ${s.warnings.length}`);
    for (const w of s.warnings.slice(0, 50)) lines.push(`  ${w.code}: ${w.message}`);
    if (s.warnings.length > 50) lines.push(`  … and ${s.warnings.length - 50} more (use --json to see all)`);
  }
  return lines.join('\n') + '\n';
}
