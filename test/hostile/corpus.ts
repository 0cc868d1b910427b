/**
 * A corpus of damaged and hostile inputs (issue 11), generated at test time into a temporary folder
 * (nothing big is kept in the repository). Each case is one fledge command on one input, with the
 * exit code and the error or warning code it must end with. The big ones (whitespace padding, zip
 * bombs, a 50 MB post) are streamed into the zip as they are compressed.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import yazl from 'yazl';

export interface HostileCase {
  readonly name: string;
  /** The class of the issue it belongs to. */
  readonly kind: 'zip' | 'json' | 'records' | 'size' | 'terminal' | 'files' | 'plan' | 'output' | 'network';
  /** fledge's arguments; `{dir}` is the case's own folder (outputs go there). */
  readonly args: readonly string[];
  readonly exit: number;
  /** An error code (on stderr) or warning code (in stdout/stderr) that must appear. */
  readonly code?: string;
  /** Text that must not appear (e.g. a raw ESC). */
  readonly forbid?: RegExp;
  /** Extra check of stdout+stderr. */
  readonly expect?: RegExp;
  /** Environment additions (a token for plan cases). */
  readonly env?: Readonly<Record<string, string>>;
}

type Files = Record<string, string | Buffer | (() => Readable)>;

/** ESC, BEL and the bidi overrides/isolates: none may reach the terminal raw (built from code points so the source holds none). */
export const RAW_CONTROLS = new RegExp(`[${[0x1b, 0x07, 0x9b, 0x202a, 0x202e, 0x2066, 0x2069].map((c) => String.fromCharCode(c)).join('')}]`);

const MANIFEST = (parts: string[] = ['data/tweets.js'], extra = '', count = 2): string =>
  `window.__THAR_CONFIG = {"userInfo":{"accountId":"42","userName":"hostile","displayName":"Hostile"},"dataTypes":{"account":{"files":[{"fileName":"data/account.js","globalName":"YTD.account.part0","count":"1"}]},"tweets":{"mediaDirectory":"data/tweets_media","files":[${parts
    .map((p, i) => `{"fileName":"${p}","globalName":"YTD.tweets.part${i}","count":"${count}"}`)
    .join(',')}]}${extra}}}`;
const ACCOUNT = (username = 'hostile', displayName = 'Hostile'): string =>
  `window.YTD.account.part0 = [{"account":{"accountId":"42","username":${JSON.stringify(username)},"accountDisplayName":${JSON.stringify(displayName)},"createdAt":"2015-01-01T00:00:00.000Z"}}]`;

export function tweet(id: string | null, text: string, createdAt = 'Mon Nov 21 10:00:00 +0000 2022', extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    tweet: {
      ...(id === null ? {} : { id_str: id, id }),
      created_at: createdAt,
      full_text: text,
      display_text_range: ['0', String([...text].length)],
      entities: { hashtags: [], symbols: [], user_mentions: [], urls: [] },
      favorite_count: '0',
      retweet_count: '0',
      lang: 'en',
      ...extra,
    },
  };
}
const TWEETS = (items: unknown[]): string => `window.YTD.tweets.part0 = ${JSON.stringify(items, null, 1)}`;
const OK_TWEETS = TWEETS([tweet('1000000000000000001', 'hello'), tweet('1000000000000000002', 'world')]);

function archiveFiles(overrides: Files = {}): Files {
  return { 'data/manifest.js': MANIFEST(), 'data/account.js': ACCOUNT(), 'data/tweets.js': OK_TWEETS, ...overrides };
}

/** A readable of `bytes` bytes made of `unit` repeated, produced as it is consumed. */
function repeated(unit: string, bytes: number, head = '', tail = ''): () => Readable {
  return () => {
    const chunk = Buffer.from(unit.repeat(Math.ceil((1 << 20) / unit.length)));
    let left = bytes;
    let started = false;
    let ended = false;
    return new Readable({
      read() {
        if (!started) {
          started = true;
          this.push(head);
          return;
        }
        if (left > 0) {
          const n = Math.min(left, chunk.length);
          left -= n;
          this.push(n === chunk.length ? chunk : chunk.subarray(0, n));
          return;
        }
        if (!ended) {
          ended = true;
          this.push(tail);
        }
        this.push(null);
      },
    });
  };
}

async function writeZip(file: string, files: Files, options: { level?: number } = {}): Promise<string> {
  const zip = new yazl.ZipFile();
  for (const [name, content] of Object.entries(files)) {
    const opts = { compressionLevel: options.level ?? 6 } as yazl.Options;
    if (typeof content === 'function') zip.addReadStream(content(), name, opts);
    else zip.addBuffer(Buffer.isBuffer(content) ? content : Buffer.from(content), name, opts);
  }
  zip.end();
  await new Promise<void>((resolve, reject) => zip.outputStream.pipe(fs.createWriteStream(file)).on('close', resolve).on('error', reject));
  return file;
}

function writeFolder(dir: string, files: Files): string {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    if (typeof content === 'function') throw new Error('folders take buffers only');
    fs.writeFileSync(file, content);
  }
  return dir;
}

/** Patch bytes of a written zip: `find` replaced by `replace` (same length), every occurrence or the first. */
function patchFile(file: string, find: Buffer, replace: Buffer, all = true): void {
  const buf = fs.readFileSync(file);
  let at = buf.indexOf(find);
  if (at < 0) throw new Error(`patch target not found in ${file}`);
  while (at >= 0) {
    replace.copy(buf, at);
    if (!all) break;
    at = buf.indexOf(find, at + 1);
  }
  fs.writeFileSync(file, buf);
}

/** Offsets of every central-directory record (signature PK\1\2). */
function centralRecords(buf: Buffer): number[] {
  const out: number[] = [];
  for (let at = buf.indexOf('PK\u0001\u0002'); at >= 0; at = buf.indexOf('PK\u0001\u0002', at + 1)) out.push(at);
  return out;
}

export async function buildCorpus(root: string): Promise<HostileCase[]> {
  const cases: HostileCase[] = [];
  const dirFor = (name: string): string => {
    const d = path.join(root, name);
    fs.mkdirSync(d, { recursive: true });
    return d;
  };
  const zipCase = async (name: string, kind: HostileCase['kind'], files: Files, expectation: Omit<HostileCase, 'name' | 'kind' | 'args'>, command: string[] = ['inspect'], level?: number) => {
    const d = dirFor(name);
    const zip = await writeZip(path.join(d, 'archive.zip'), files, level === undefined ? {} : { level });
    cases.push({ name, kind, args: [...command, zip], ...expectation });
    return zip;
  };

  // ---- the zip container
  const good = await zipCase('valid-control', 'zip', archiveFiles(), { exit: 0 });
  {
    const d = dirFor('truncated-zip');
    const buf = fs.readFileSync(good);
    fs.writeFileSync(path.join(d, 'archive.zip'), buf.subarray(0, Math.floor(buf.length / 2)));
    cases.push({ name: 'truncated-zip', kind: 'zip', args: ['inspect', path.join(d, 'archive.zip')], exit: 3, code: 'E_ZIP_CORRUPT' });
  }
  {
    const d = dirFor('bad-crc');
    const zip = await writeZip(path.join(d, 'archive.zip'), archiveFiles(), { level: 0 });
    patchFile(zip, Buffer.from('"hello"'), Buffer.from('"jello"'));
    cases.push({ name: 'bad-crc', kind: 'zip', args: ['inspect', zip], exit: 3, code: 'E_ZIP_CORRUPT' });
  }
  {
    const d = dirFor('damaged-deflate');
    const zip = await writeZip(path.join(d, 'archive.zip'), archiveFiles({ 'data/tweets.js': TWEETS(Array.from({ length: 200 }, (_, i) => tweet(String(1000000000000000000 + i), `post number ${i} with some words`))) }));
    const buf = fs.readFileSync(zip);
    const at = buf.indexOf('data/tweets.js') + 'data/tweets.js'.length + 40;
    for (let i = 0; i < 64; i++) buf[at + i] = 0xff;
    fs.writeFileSync(zip, buf);
    cases.push({ name: 'damaged-deflate', kind: 'zip', args: ['inspect', zip], exit: 3, code: 'E_ZIP_CORRUPT' });
  }
  // yazl refuses such names: write a placeholder of the same length, then patch both headers.
  const renamed = async (name: string, placeholder: string, real: string) => {
    const zip = await zipCase(name, 'zip', { ...archiveFiles(), [placeholder]: 'window.YTD.tweets.part9 = []' }, { exit: 0, code: 'W_UNSAFE_ENTRY' });
    patchFile(zip, Buffer.from(placeholder), Buffer.from(real));
  };
  await renamed('zip-slip-entry', 'xx/xx/data/escape.js', '../../data/escape.js');
  await renamed('absolute-entry', 'xetc/tweets.js', '/etc/tweets.js');
  {
    const d = dirFor('duplicate-entries');
    const zip = await writeZip(path.join(d, 'archive.zip'), { ...archiveFiles(), 'data/tweetz.js': TWEETS([tweet('1000000000000000009', 'second copy')]) }, { level: 0 });
    patchFile(zip, Buffer.from('data/tweetz.js'), Buffer.from('data/tweets.js'));
    cases.push({ name: 'duplicate-entries', kind: 'zip', args: ['inspect', zip], exit: 0, code: 'W_DUPLICATE_ENTRY' });
  }
  {
    const d = dirFor('symlink-entry');
    const zip = await writeZip(path.join(d, 'archive.zip'), { ...archiveFiles(), 'data/tweets_media/link.jpg': '/etc/passwd' }, { level: 0 });
    // Mark the last central record as a Unix symlink: version made by 3 (Unix), external attributes 0o120777 << 16.
    const buf = fs.readFileSync(zip);
    const last = centralRecords(buf).at(-1)!;
    buf[last + 5] = 3;
    buf.writeUInt32LE((0o120777 << 16) >>> 0, last + 38);
    fs.writeFileSync(zip, buf);
    cases.push({ name: 'symlink-entry', kind: 'zip', args: ['inspect', zip], exit: 0, code: 'W_UNSAFE_ENTRY' });
  }
  {
    const d = dirFor('encrypted-entry');
    const zip = await writeZip(path.join(d, 'archive.zip'), archiveFiles(), { level: 0 });
    const buf = fs.readFileSync(zip);
    for (const at of centralRecords(buf)) buf.writeUInt16LE(buf.readUInt16LE(at + 8) | 1, at + 8);
    fs.writeFileSync(zip, buf);
    cases.push({ name: 'encrypted-entry', kind: 'zip', args: ['inspect', zip], exit: 3, code: 'E_ZIP_UNSUPPORTED' });
  }
  cases.push(...(await bombCases(dirFor)));
  {
    const d = dirFor('not-a-zip');
    fs.writeFileSync(path.join(d, 'archive.zip'), '%PDF-1.7\n' + 'x'.repeat(1000));
    cases.push({ name: 'not-a-zip', kind: 'zip', args: ['inspect', path.join(d, 'archive.zip')], exit: 3, code: 'E_NOT_A_ZIP' });
  }
  {
    const d = dirFor('empty-file');
    fs.writeFileSync(path.join(d, 'archive.zip'), '');
    cases.push({ name: 'empty-file', kind: 'zip', args: ['inspect', path.join(d, 'archive.zip')], exit: 3, code: 'E_NOT_A_ZIP' });
  }
  await zipCase('not-an-archive', 'zip', { 'notes.txt': 'hello', 'photo.jpg': Buffer.from([0xff, 0xd8, 0xff]) }, { exit: 3, code: 'E_NOT_AN_ARCHIVE' });

  // ---- JSON and file shapes
  await zipCase('bad-json', 'json', archiveFiles({ 'data/tweets.js': 'window.YTD.tweets.part0 = [ {"tweet": {"id_str": "1", ] ' }), { exit: 3, code: 'E_PART_MALFORMED' });
  await zipCase('wrong-global', 'json', archiveFiles({ 'data/tweets.js': OK_TWEETS.replace('window.YTD.tweets.part0', 'window.YTD.likes.part0') }), { exit: 0 });
  await zipCase('bom', 'json', archiveFiles({ 'data/tweets.js': `\uFEFF${OK_TWEETS}`, 'data/account.js': `\uFEFF${ACCOUNT()}` }), { exit: 0, expect: /"total": 2/ }, ['inspect', '--json']);
  await zipCase('utf16-part', 'json', archiveFiles({ 'data/tweets.js': Buffer.from(`\uFEFF${OK_TWEETS}`, 'utf16le') }), { exit: 3, code: 'E_FILE_ENCODING' });
  await zipCase('utf16-account', 'json', archiveFiles({ 'data/account.js': Buffer.from(`\uFEFF${ACCOUNT()}`, 'utf16le') }), { exit: 3, code: 'E_FILE_ENCODING' });
  await zipCase('deep-nesting', 'json', archiveFiles({ 'data/tweets.js': `window.YTD.tweets.part0 = [${'['.repeat(200_000)}${']'.repeat(200_000)}]` }), { exit: 0, code: 'W_TWEET_NOT_OBJECT' });
  await zipCase('deep-nesting-account', 'json', archiveFiles({ 'data/account.js': `window.YTD.account.part0 = [${'['.repeat(200_000)}${']'.repeat(200_000)}]` }), { exit: 0, code: 'W_ELEMENT_NOT_OBJECT' });
  await zipCase('null-elements', 'json', archiveFiles({ 'data/tweets.js': `window.YTD.tweets.part0 = [null, ${JSON.stringify(tweet('1000000000000000001', 'hi'))}, null]` }), { exit: 0, code: 'W_TWEET_NOT_OBJECT' });
  await zipCase('account-not-array', 'json', archiveFiles({ 'data/account.js': 'window.YTD.account.part0 = {"a": 1}' }), { exit: 3, code: 'E_FILE_FORMAT' });
  await zipCase('no-tweets-file', 'json', { 'data/manifest.js': MANIFEST(), 'data/account.js': ACCOUNT() }, { exit: 0, code: 'W_PART_MISSING' });
  await zipCase('extra-part', 'json', archiveFiles({ 'data/tweets-part1.js': TWEETS([tweet('1000000000000000003', 'extra')]).replace('part0', 'part1') }), { exit: 0, code: 'W_PART_UNLISTED' });

  // ---- records: nothing dropped, merged or guessed without a word
  await zipCase('tweet-without-id', 'records', archiveFiles({ 'data/tweets.js': TWEETS([tweet(null, 'no id'), tweet('1000000000000000002', 'ok')]) }), { exit: 0, code: 'W_TWEET_NO_ID' });
  await zipCase(
    'duplicate-id',
    'records',
    archiveFiles({ 'data/tweets.js': TWEETS([tweet('1000000000000000002', 'first text'), tweet('1000000000000000002', 'a different text')]) }),
    { exit: 0, code: 'W_DUPLICATE_ID' },
  );
  await zipCase(
    'bad-ids',
    'records',
    archiveFiles({ 'data/tweets.js': TWEETS([tweet('0', 'zero'), tweet('-1', 'minus'), tweet('0001', 'padded'), tweet('1', 'one'), tweet('1.5E18', 'float')]) }),
    { exit: 0, code: 'W_BAD_ID' },
  );
  await zipCase(
    'bad-dates',
    'records',
    archiveFiles({
      'data/tweets.js': TWEETS([
        tweet('1000000000000000001', 'feb 30', 'Mon Feb 30 25:61:61 +0000 2022'),
        tweet('1000000000000000002', 'far future', 'Mon Feb 03 10:00:00 +0000 99999'),
        tweet('1000000000000000003', 'garbage', 'garbage'),
      ]),
    }),
    { exit: 0, code: 'W_BAD_DATE', forbid: /2022-02-30|T25:61/ },
    ['plan', '--out', '-'],
  );
  {
    const d = dirFor('csv-missing-columns');
    writeFolder(d, { 'tweets.csv': 'id,when,words\n1,2012-01-01,hello\n', 'data/js/user_details.js': 'var user_details = {"id":"42","screen_name":"hostile","name":"H"}' });
    cases.push({ name: 'csv-missing-columns', kind: 'records', args: ['inspect', d], exit: 3, code: 'E_CSV_COLUMNS', expect: /tweet_id/ });
  }
  {
    const d = dirFor('csv-renamed-columns');
    writeFolder(d, {
      'tweets.csv': '"tweet_id","in_reply_to_status_id","in_reply_to_user_id","timestamp","source","txt"\n"1","","","2012-01-01 10:00:00 +0000","web","hello"\n',
      'data/js/user_details.js': 'var user_details = {"id":"42","screen_name":"hostile","name":"H"}',
    });
    cases.push({ name: 'csv-renamed-columns', kind: 'records', args: ['inspect', d], exit: 3, code: 'E_CSV_COLUMNS', expect: /\btext\b/ });
  }

  // ---- size: files read whole are capped, streamed parts bounded in time
  await zipCase('account-whitespace-96mib', 'size', archiveFiles({ 'data/account.js': repeated(' ', 96 << 20, 'window.YTD.account.part0 = [', ']') }), { exit: 3, code: 'E_FILE_TOO_LARGE' }, ['inspect'], 1);
  await zipCase('note-tweet-huge', 'size', archiveFiles({ 'data/note-tweet.js': repeated(' ', 300 << 20, 'window.YTD.note_tweet.part0 = [', ']') }), { exit: 3, code: 'E_FILE_TOO_LARGE' }, ['inspect'], 1);
  await zipCase(
    'tweets-whitespace-padding',
    'size',
    archiveFiles({ 'data/tweets.js': repeated(' ', 512 << 20, `window.YTD.tweets.part0 = [${JSON.stringify(tweet('1000000000000000001', 'hi'))},`, `${JSON.stringify(tweet('1000000000000000002', 'there'))}]`) }),
    { exit: 3, code: 'E_PART_PADDED' },
    ['inspect'],
    1,
  );
  await zipCase('post-50mb', 'size', archiveFiles({ 'data/tweets.js': TWEETS([tweet('1000000000000000001', 'word '.repeat(10 << 20))]) }), { exit: 0, code: 'too-long' }, ['import', '--dry-run'], 1);

  // ---- terminal: outside text never reaches the terminal raw
  const ESC = '\u001b';
  await zipCase(
    'escape-in-names',
    'terminal',
    archiveFiles({ 'data/account.js': ACCOUNT(`ev${ESC}[2Jil`, `Name ${ESC}]0;owned${'\u0007'} ${ESC}]8;;https://evil.example${ESC}\\link${ESC}]8;;${ESC}\\ \u202egnp.exe`) }),
    { exit: 0, forbid: RAW_CONTROLS },
  );
  await zipCase('escape-in-entry-name', 'terminal', { ...archiveFiles(), [`data/${ESC}[31mred.js`]: 'x' }, { exit: 0, forbid: RAW_CONTROLS });
  await zipCase(
    'escape-in-post',
    'terminal',
    archiveFiles({ 'data/tweets.js': TWEETS([tweet('1000000000000000001', `clear ${ESC}[2J${ESC}[H title ${ESC}]2;pwned\u0007 \u202eevil`)]) }),
    { exit: 0, forbid: RAW_CONTROLS },
    ['import', '--dry-run'],
  );
  await zipCase(
    'escape-in-bad-json',
    'terminal',
    archiveFiles({ 'data/tweets.js': `window.YTD.tweets.part0 = [ {"tweet": {"id_str": "1${ESC}[2J", ] ` }),
    { exit: 3, code: 'E_PART_MALFORMED', forbid: RAW_CONTROLS },
  );

  // ---- special files: never opened for reading
  {
    const d = dirFor('fifo-archive');
    execFileSync('mkfifo', [path.join(d, 'archive.zip')]);
    cases.push({ name: 'fifo-archive', kind: 'files', args: ['inspect', path.join(d, 'archive.zip')], exit: 3, code: 'E_NOT_A_FILE' });
  }
  cases.push({ name: 'device-archive', kind: 'files', args: ['inspect', '/dev/zero'], exit: 3, code: 'E_NOT_A_FILE' });
  {
    const d = dirFor('fifo-in-folder');
    writeFolder(d, { 'data/manifest.js': MANIFEST(), 'data/account.js': ACCOUNT() });
    execFileSync('mkfifo', [path.join(d, 'data', 'tweets.js')]);
    cases.push({ name: 'fifo-in-folder', kind: 'files', args: ['inspect', d], exit: 3, code: 'E_NOT_A_FILE' });
  }
  {
    const d = dirFor('symlink-out-of-folder');
    writeFolder(d, { 'data/manifest.js': MANIFEST(), 'data/account.js': ACCOUNT() });
    fs.writeFileSync(path.join(root, 'outside-tweets.js'), OK_TWEETS);
    fs.symlinkSync(path.join(root, 'outside-tweets.js'), path.join(d, 'data', 'tweets.js'));
    cases.push({ name: 'symlink-out-of-folder', kind: 'files', args: ['inspect', d], exit: 0, code: 'W_UNSAFE_ENTRY' });
  }

  // ---- outputs: only regular files are written
  {
    const d = dirFor('out-to-symlink');
    fs.writeFileSync(path.join(d, 'victim.txt'), 'keep me');
    fs.symlinkSync(path.join(d, 'victim.txt'), path.join(d, 'plan.json'));
    cases.push({ name: 'out-to-symlink', kind: 'output', args: ['plan', good, '--out', path.join(d, 'plan.json')], exit: 2, code: 'E_PLAN_WRITE' });
  }
  {
    const d = dirFor('report-to-fifo');
    execFileSync('mkfifo', [path.join(d, 'report.html')]);
    cases.push({ name: 'report-to-fifo', kind: 'output', args: ['import', good, '--dry-run', '--report', path.join(d, 'report.html')], exit: 2, code: 'E_REPORT_WRITE' });
  }

  cases.push({ name: 'journal-to-device', kind: 'output', args: ['import', good, '--instance', 'http://127.0.0.1:9', '--journal', '/dev/null', '--yes'], exit: 2, code: 'E_JOURNAL_NOT_FILE', env: { FLEDGE_TOKEN: 'secret-token-xyz' } });

  // ---- plan files: untrusted, whatever they name
  cases.push(...planCases(dirFor, good));

  // ---- network: loopback means a loopback address, nothing else
  cases.push({ name: 'localhost-subdomain', kind: 'network', args: ['whoami', '--instance', 'http://evil.localhost:9'], exit: 2, code: 'E_INSECURE_INSTANCE_URL', env: { FLEDGE_TOKEN: 'secret-token-xyz' }, forbid: /secret-token-xyz/ });

  return cases;
}

/** Zip bombs: one with an honest declared size, one whose central directory lies about it. */
async function bombCases(dirFor: (name: string) => string): Promise<HostileCase[]> {
  const out: HostileCase[] = [];
  {
    const d = dirFor('bomb-honest');
    const zip = await writeZip(path.join(d, 'archive.zip'), archiveFiles({ 'data/tweets.js': repeated('[', 300 << 20) }), { level: 9 });
    out.push({ name: 'bomb-honest', kind: 'zip', args: ['inspect', zip], exit: 3, code: 'E_ZIP_ENTRY_TOO_LARGE' });
  }
  {
    const d = dirFor('bomb-lying');
    const zip = await writeZip(path.join(d, 'archive.zip'), archiveFiles({ 'data/account.js': repeated(' ', 256 << 20, 'window.YTD.account.part0 = [', ']') }), { level: 1 });
    // Declare 100 bytes for account.js in the central directory: the inflater must stop at the declared size.
    const buf = fs.readFileSync(zip);
    for (const at of centralRecords(buf)) {
      const nameLength = buf.readUInt16LE(at + 28);
      if (buf.subarray(at + 46, at + 46 + nameLength).toString() === 'data/account.js') buf.writeUInt32LE(100, at + 24);
    }
    fs.writeFileSync(zip, buf);
    out.push({ name: 'bomb-lying', kind: 'zip', args: ['inspect', zip], exit: 3, code: 'E_ZIP_CORRUPT' });
  }
  return out;
}

/** A plan made by fledge from a fixture, then edited the way a hostile or careless sharer would. */
function planCases(dirFor: (name: string) => string, otherArchive: string): HostileCase[] {
  const fixture = path.resolve('fixtures/archives/ytd-2022');
  const base = path.join(dirFor('plan-base'), 'plan.json');
  execFileSync(process.execPath, [path.resolve('bin/fledge.js'), 'plan', fixture, '--out', base], { stdio: 'ignore' });
  const plan = JSON.parse(fs.readFileSync(base, 'utf8')) as { source: { archivePath: string | null }; steps: { type: string; media?: { file: string; mimeType: string }[] }[] };
  const withMedia = (file: string, mimeType = 'image/png') => {
    const copy = structuredClone(plan);
    const step = copy.steps.find((x) => x.type === 'post' && (x.media?.length ?? 0) > 0)!;
    step.media![0] = { ...step.media![0]!, file, mimeType };
    return copy;
  };
  const write = (name: string, value: unknown): string => {
    const file = path.join(dirFor(name), 'plan.json');
    fs.writeFileSync(file, JSON.stringify(value, null, 2));
    return file;
  };
  const env = { FLEDGE_TOKEN: 'secret-token-xyz' };
  // An instance nobody listens on: reaching it would be exit 5; every case must stop before.
  const importArgs = (file: string) => ['import', file, '--instance', 'http://127.0.0.1:9', '--yes'];
  const out: HostileCase[] = [];
  const etc = withMedia('passwd');
  etc.source.archivePath = '/etc';
  out.push({ name: 'plan-archive-etc', kind: 'plan', args: importArgs(write('plan-archive-etc', etc)), exit: 3, code: 'E_NOT_AN_ARCHIVE', env, forbid: /root:|secret-token-xyz/ });
  const other = structuredClone(plan);
  other.source.archivePath = otherArchive;
  out.push({ name: 'plan-archive-other-account', kind: 'plan', args: importArgs(write('plan-archive-other-account', other)), exit: 3, code: 'E_PLAN_ARCHIVE', env });
  out.push({ name: 'plan-media-outside', kind: 'plan', args: importArgs(write('plan-media-outside', withMedia('../../../../etc/passwd'))), exit: 3, code: 'E_PLAN_INVALID', env });
  out.push({ name: 'plan-media-absolute', kind: 'plan', args: importArgs(write('plan-media-absolute', withMedia('/etc/passwd'))), exit: 3, code: 'E_PLAN_INVALID', env });
  const root = structuredClone(plan);
  root.source.archivePath = '/';
  const rootFile = write('plan-archive-root-report', root);
  out.push({ name: 'plan-archive-root-report', kind: 'plan', args: ['import', rootFile, '--dry-run', '--report', path.join(path.dirname(rootFile), 'report.html')], exit: 0, expect: /Read from\s+\/\n/ });
  return out;
}
