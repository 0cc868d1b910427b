import { inputError } from '../../domain/errors.js';
import type {
  ArchiveGeneration,
  ArchiveWarning,
  SourceAccount,
  SourceArchive,
  SourceGraph,
  SourceList,
  SourcePost,
  SourceProfile,
} from '../../domain/source.js';
import type { AddressHint } from '../../domain/people.js';
import { parseAccount, parseAccountRefs, parseGrailbirdAccount, parseLists, parseProfile, toProfile, toRefs } from '../parse/account.js';
import { ArrayScanner } from '../parse/array-scanner.js';
import { parseGrailbirdCsv } from '../parse/grailbird-csv.js';
import { IdSet } from '../../domain/id-set.js';
import { createMediaByPost } from './media-by-post.js';
import { decodeUtf8, parseJsFile } from '../parse/js-file.js';
import { collectDeletedTweetNames } from '../parse/deleted-names.js';
import { parseDmAddresses, toAddressHints } from '../parse/dm.js';
import { detectLayout, layoutFromGlobals, type ArchiveLayout, type LayoutEntry, type MediaDir } from '../parse/layout.js';
import { NameCollector } from '../parse/names.js';
import { NoteJoiner, parseNotes, type Note } from '../parse/notes.js';
import { normaliseTweet, type MediaFile, type MediaLookup, type TweetContext } from '../parse/tweet.js';
import { arr, id, isObject, isPostId, obj, str, type Json } from '../parse/values.js';
import type { ArchiveEntry, ArchiveFiles } from './archive-files.js';
import { openArchiveFiles } from './open-archive-files.js';

export interface ReadProgress {
  readonly phase: 'posts';
  /** Bytes of post files read so far, and in all (uncompressed sizes). */
  readonly done: number;
  readonly total: number;
  readonly posts: number;
}

export interface ReadArchiveOptions {
  readonly onProgress?: (progress: ReadProgress) => void;
  /**
   * The set the reader remembers post ids in (tag channel 0), to drop copies across parts; a new one
   * by default. The dry run passes its post index's (src/plan/post-index.ts), so that the ids are kept once.
   */
  readonly ids?: IdSet;
}

/** Everything but the posts, which a scan streams to its caller. */
export type ArchiveHeader = Omit<SourceArchive, 'posts'>;

/**
 * Read a whole archive into memory, posts sorted oldest first. The planner needs them all; `fledge
 * inspect` uses `scanArchive` instead so memory does not grow with the archive.
 */
export async function readArchive(input: string, options: ReadArchiveOptions = {}): Promise<SourceArchive> {
  const posts: SourcePost[] = [];
  const header = await scanArchive(input, (post) => posts.push(post), options);
  posts.sort(comparePosts);
  const ownIds = new Set(posts.map((p) => p.id));
  return { ...header, posts: posts.map((p) => withOwnQuote(p, (id) => ownIds.has(id))) };
}

/**
 * A quote of an own post whose link uses a handle we did not know is still a self-quote: once every
 * post of the archive is known (readArchive; the dry run's index, src/cli/stream-plan.ts).
 */
export function withOwnQuote(post: SourcePost, isOwnPost: (id: string) => boolean): SourcePost {
  return post.quote && !post.quote.self && isOwnPost(post.quote.postId) ? { ...post, quote: { ...post.quote, self: true } } : post;
}

function comparePosts(a: SourcePost, b: SourcePost): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  if (a.id.length !== b.id.length) return a.id.length - b.id.length;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Stream every post of the archive to `onPost` (distinct posts, edit chains collapsed to their last
 * version, deleted posts excluded; order is file order, with edited posts last) and return the rest.
 */
export async function scanArchive(input: string, onPost: (post: SourcePost) => void, options: ReadArchiveOptions = {}): Promise<ArchiveHeader> {
  const files = await openArchiveFiles(input);
  try {
    let layout: ArchiveLayout;
    try {
      layout = detectLayout(files.entries, files.label);
    } catch (error) {
      layout = (await sniffRenamedFiles(files)) ?? rethrow(error);
    }
    const reader = new Reader(files, layout, onPost, options);
    return layout.kind === 'grailbird' ? await reader.readGrailbird() : await reader.readYtd();
  } finally {
    await files.close();
  }
}

/**
 * Whose archive is this? Only the account files are read (a plan file names the archive its media
 * come from: `fledge import plan.json` checks that it is one, and the right one, issue 11).
 */
export async function readArchiveAccount(files: ArchiveFiles): Promise<SourceAccount> {
  const layout = detectLayout(files.entries, files.label);
  return new Reader(files, layout, () => undefined, {}).readAccount();
}

class Reader {
  private readonly warnings: ArchiveWarning[] = [];
  private readonly names = new NameCollector();
  private readonly seen: IdSet;
  private readonly chains = new Map<string, { post: SourcePost; chain: readonly string[] }[]>();
  private readonly recordWarnings = new Map<string, number>();
  private done = 0;
  private total = 0;
  private posts = 0;
  private bare = 0;
  private wrapped = 0;

  constructor(
    private readonly files: ArchiveFiles,
    private readonly layout: ArchiveLayout,
    private readonly onPost: (post: SourcePost) => void,
    private readonly options: ReadArchiveOptions,
  ) {
    this.warnings.push(...files.warnings);
    this.seen = options.ids ?? new IdSet();
  }

  private entry(rel: string): LayoutEntry | undefined {
    return this.layout.files.get(rel.toLowerCase());
  }

  private async readJs(rel: string): Promise<unknown> {
    const entry = this.entry(rel);
    if (!entry) return null;
    return parseJsFile(decodeUtf8(await this.readWhole(entry), entry.path), entry.path).value;
  }

  /**
   * Files other than the tweet parts are read whole: each has a cap (the zip reader stops an entry
   * at its declared size, so a lying size ends as E_ZIP_CORRUPT, never as a 1 GiB string).
   */
  private async readWhole(entry: LayoutEntry): Promise<Buffer> {
    const name = entry.path.slice(entry.path.lastIndexOf('/') + 1).toLowerCase();
    const cap = SMALL_FILES.has(name) ? SMALL_FILE_BYTES : WHOLE_FILE_BYTES;
    if (entry.size > cap) {
      throw inputError('E_FILE_TOO_LARGE', `${entry.path} is ${(entry.size / 1024 / 1024).toFixed(1)} MiB; fledge reads this file only up to ${cap / 1024 / 1024} MiB.`, {
        file: entry.path,
        hint: 'No real export has this file so large: it was damaged or crafted. Use the archive exactly as downloaded from X.',
      });
    }
    return this.files.readBuffer(entry.path);
  }

  private async readArray(rel: string): Promise<unknown[]> {
    const value = await this.readJs(rel);
    if (value === null) return [];
    const file = this.entry(rel)!.path;
    if (!Array.isArray(value)) {
      throw inputError('E_FILE_FORMAT', `${file} should hold a JSON array.`, {
        file,
        hint: 'The file is damaged or was edited by hand. Restore it from the original archive.',
      });
    }
    const strays = value.filter((el) => !isObject(el)).length;
    if (strays > 0) this.warn('W_ELEMENT_NOT_OBJECT', `${file} holds ${strays} element(s) that are not records (null, a number, a string or an array); they were skipped.`, file);
    return value;
  }

  private warn(code: string, message: string, file?: string): void {
    this.warnings.push(file === undefined ? { code, message } : { code, message, file });
  }

  /** Per-record warnings: the first RECORD_WARNINGS of each code in full, then one line counting the rest. */
  private warnRecord(code: string, message: string, file: string): void {
    const n = (this.recordWarnings.get(code) ?? 0) + 1;
    this.recordWarnings.set(code, n);
    if (n <= RECORD_WARNINGS) this.warn(code, message, file);
  }

  private recordWarningTotals(): void {
    for (const [code, n] of this.recordWarnings) {
      if (n > RECORD_WARNINGS) this.warn(code, `… and ${n - RECORD_WARNINGS} more ${code} like the above (${n} in all).`);
    }
  }

  async readAccount(): Promise<SourceAccount> {
    if (this.layout.kind === 'grailbird') return parseGrailbirdAccount(await this.readJs('data/js/user_details.js'));
    const data = this.layout.dataDir.slice(this.layout.root.length).toLowerCase();
    const manifestValue = await this.readJs(`${data}manifest.js`);
    return parseAccount(await this.readArray(`${data}account.js`), isObject(manifestValue) ? manifestValue : null, []);
  }

  // ---------------------------------------------------------------- YTD (2018 → today)

  async readYtd(): Promise<ArchiveHeader> {
    const data = this.layout.dataDir.slice(this.layout.root.length).toLowerCase();
    const manifestValue = await this.readJs(`${data}manifest.js`);
    const manifest = isObject(manifestValue) ? manifestValue : null;
    const dataTypes = obj(manifest?.['dataTypes']);
    const account = parseAccount(await this.readArray(`${data}account.js`), manifest, await this.readArray(`${data}screen-name-change.js`));
    if (account.accountId && account.username) this.names.add(account.accountId, account.username, 'self', null, account.displayName);

    const circleIds = new Set<string>();
    for (const el of await this.readArray(`${data}twitter-circle-tweet.js`)) {
      const t = obj(obj(el)['tweet'] ?? el);
      const postId = id(t['id_str']) ?? id(t['tweetId']);
      if (postId) circleIds.add(postId);
    }
    const joiner = noteJoiner(parseNotes(await this.readArray(`${data}note-tweet.js`)));

    const tweetType = obj(dataTypes['tweets'] ?? dataTypes['tweet']);
    const mediaDir = this.mediaDir(str(tweetType['mediaDirectory']), data, ['tweets_media', 'tweet_media']);
    const ctx = this.context(account, this.mediaLookup(mediaDir), circleIds, joiner);

    const parts = this.tweetParts(tweetType, data);
    const community = this.entry(`${data}community-tweet.js`);
    this.total = parts.reduce((n, p) => n + p.entry.size, 0) + (community?.size ?? 0);
    for (const part of parts) {
      const count = await this.streamPosts(part.entry, ctx);
      if (part.declared !== null && part.declared !== count) {
        this.warn('W_PART_COUNT', `${part.entry.path} holds ${count} posts but the manifest says ${part.declared}: the file may be incomplete.`, part.entry.path);
      }
    }
    if (community) {
      const communityCtx = this.context(account, this.mediaLookup(this.mediaDir(null, data, ['community_tweet_media'])), circleIds, joiner);
      await this.streamPosts(community, communityCtx, true);
    }
    this.flushEditChains();
    if (joiner) this.emitUnmatchedNotes(joiner.unmatched(), account, `${this.layout.dataDir}note-tweet.js`);

    await this.readMoments(`${data}moment.js`);
    collectDeletedTweetNames(await this.readArray(`${data}deleted-tweets.js`), this.names, account.accountId);
    const graph = await this.readGraph(data);
    const profile = await this.readProfile(data);
    const addressHints = await this.readDirectMessages(data, account);
    return this.header(this.ytdGeneration(parts.map((p) => p.entry.path), dataTypes), account, profile, graph, addressHints);
  }

  private ytdGeneration(parts: readonly string[], dataTypes: Json): ArchiveGeneration {
    if (this.bare > 0 && this.wrapped === 0) return 'ytd-2018';
    const names = parts.map((p) => p.slice(p.lastIndexOf('/') + 1).toLowerCase());
    if (names.some((n) => n.startsWith('tweets'))) return 'ytd-2022';
    if (names.some((n) => n.startsWith('tweet'))) return 'ytd-2020';
    if ('tweets' in dataTypes) return 'ytd-2022';
    if ('tweet' in dataTypes) return 'ytd-2020';
    return 'ytd-2018';
  }

  /** The tweet files: the manifest's list cross-checked with the files present (§2.4: never stop at a gap). */
  private tweetParts(tweetType: Json, data: string): { entry: LayoutEntry; declared: number | null }[] {
    const parts = new Map<string, { entry: LayoutEntry; declared: number | null }>();
    const listed = arr(tweetType['files']).map(obj);
    for (const f of listed) {
      const fileName = str(f['fileName']);
      if (!fileName) continue;
      const entry = this.entry(fileName);
      if (!entry) {
        this.warn('W_PART_MISSING', `The manifest lists ${fileName} but the archive does not contain it: the posts in that part are missing from this run.`, fileName);
        continue;
      }
      parts.set(entry.path, { entry, declared: f['count'] === undefined ? null : Number(str(f['count'])) });
    }
    const pattern = new RegExp(`^${escapeRe(data)}tweets?(-part\\d+)?\\.js$`);
    for (const [rel, entry] of this.layout.files) {
      if (!pattern.test(rel) || parts.has(entry.path)) continue;
      if (listed.length > 0) this.warn('W_PART_UNLISTED', `${entry.path} is not listed in the manifest; it was read anyway.`, entry.path);
      parts.set(entry.path, { entry, declared: null });
    }
    return [...parts.values()].sort((a, b) => partNumber(a.entry.path) - partNumber(b.entry.path) || a.entry.path.localeCompare(b.entry.path));
  }

  private mediaDir(declared: string | null, data: string, candidates: readonly string[]): MediaDir | null {
    const options = [...(declared ? [declared.replace(/\/?$/, '/').toLowerCase()] : []), ...candidates.map((c) => `${data}${c}/`)];
    for (const dir of options) {
      const found = this.layout.mediaDirs.get(dir);
      if (found) return found;
    }
    return null;
  }

  /** Media files by name through the archive's own entry index; `<postId>-*` through an index by post id (media-by-post.ts). */
  private mediaLookup(dir: MediaDir | null): MediaLookup {
    if (!dir) return { byName: () => null, byPost: () => [] };
    const toFile = (entry: LayoutEntry): MediaFile => ({ path: entry.path, name: entry.path.slice(dir.prefix.length), bytes: entry.size });
    const byPost = createMediaByPost(this.files.entries, dir.prefix);
    return {
      byName: (name) => {
        const entry = this.files.entry(dir.prefix + name);
        return entry ? toFile(entry) : null;
      },
      byPost: (postId) => byPost(postId).map(toFile),
    };
  }

  private context(account: SourceAccount, media: MediaLookup, circleIds: ReadonlySet<string>, notes: NoteJoiner | null): TweetContext {
    const own = new Set([account.username, ...account.previousUsernames].filter((u): u is string => !!u).map((u) => u.toLowerCase()));
    return { ownAccountId: account.accountId, ownUsernames: own, ownUsername: account.username, media, circleIds, notes, names: this.names };
  }

  /** Stream one post file through the array scanner; returns the number of elements. */
  private async streamPosts(entry: LayoutEntry, ctx: TweetContext, community = false): Promise<number> {
    let element = 0;
    const scanner = new ArrayScanner(entry.path, (items) => {
      for (const el of items) {
        element++;
        if (!isObject(el)) {
          this.warnRecord('W_TWEET_NOT_OBJECT', `${entry.path} element #${element} is ${describeValue(el)}, not a post; skipped.`, entry.path);
          continue;
        }
        const t = isObject(el['tweet']) ? (this.wrapped++, el['tweet']) : (this.bare++, el);
        this.acceptRaw(t, ctx, community, `${entry.path} element #${element}`, entry.path);
      }
    });
    const stream = await this.files.openStream(entry.path);
    let lastReport = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      scanner.push(chunk);
      this.done += chunk.length;
      if (this.options.onProgress && this.done - lastReport > 4 << 20) {
        lastReport = this.done;
        this.options.onProgress({ phase: 'posts', done: this.done, total: this.total, posts: this.posts });
      }
    }
    scanner.end();
    return scanner.count;
  }

  /**
   * Check one raw post before it is normalised, then accept it: nothing is skipped, merged or
   * repaired without a warning naming the file, the element and the id (issue 11).
   */
  private acceptRaw(raw: Json, ctx: TweetContext, community: boolean, where: string, file: string): void {
    const given = raw['id_str'] ?? raw['id'];
    const rawId = typeof given === 'string' || typeof given === 'number' ? String(given).trim() : '';
    if (rawId === '') {
      this.warnRecord('W_TWEET_NO_ID', `${where} has no id; skipped (it cannot be told apart from other posts or linked to).`, file);
      return;
    }
    if (!isPostId(rawId)) {
      this.warnRecord('W_BAD_ID', `${where} has the id ${JSON.stringify(rawId.slice(0, 40))}, which is no post id; skipped.`, file);
      return;
    }
    const result = normaliseTweet(raw, ctx);
    if (!result) return;
    if (result.badDate) {
      this.warnRecord('W_BAD_DATE', `${where} (id ${result.post.id}) has the date ${JSON.stringify(result.badDate.slice(0, 60))}, which is no real date; ${result.post.createdAt.startsWith('1970') ? 'dated 1970-01-01' : `dated ${result.post.createdAt} from its id`} instead.`, file);
    }
    this.accept(result, community, where, file);
  }

  private accept(result: ReturnType<typeof normaliseTweet>, community: boolean, where: string, file: string): void {
    if (!result) return;
    const post = community ? { ...result.post, community: true } : result.post;
    const added = this.seen.addTagged(post.id, textTag(post.text));
    // The same post in two parts or files is an export quirk (§12 gotcha 26): the copy is dropped.
    if (added === 'same') return;
    if (added === 'different') {
      this.warnRecord('W_DUPLICATE_ID', `${where} has the id ${post.id} of an earlier post with another text; kept the first, skipped this one.`, file);
      return;
    }
    if (result.editChain) {
      const key = result.editChain[0]!;
      const list = this.chains.get(key);
      if (list) list.push({ post, chain: result.editChain });
      else this.chains.set(key, [{ post, chain: result.editChain }]);
      return;
    }
    this.emit(post);
  }

  private emit(post: SourcePost): void {
    this.posts++;
    this.onPost(post);
  }

  /** Keep the last version of every edit chain that the archive holds (§4.3). */
  private flushEditChains(): void {
    for (const versions of this.chains.values()) {
      const chain = versions.reduce<readonly string[]>((longest, v) => (v.chain.length > longest.length ? v.chain : longest), []);
      const order = (postId: string): number => {
        const i = chain.indexOf(postId);
        return i < 0 ? Number.MAX_SAFE_INTEGER : i;
      };
      versions.sort((a, b) => order(a.post.id) - order(b.post.id));
      const last = versions[versions.length - 1]!;
      this.emit({ ...last.post, previousVersions: versions.slice(0, -1).map((v) => v.post.id) });
    }
    this.chains.clear();
  }

  /** Notes no post claimed stay as standalone posts instead of being dropped (§7.2 step 4). */
  private emitUnmatchedNotes(notes: readonly Note[], account: SourceAccount, file: string): void {
    for (const note of notes) {
      this.warn('W_NOTE_UNMATCHED', `Long post ${note.noteId} in note-tweet.js matches no post in the archive; it is kept as a standalone post.`, file);
      const createdAt = note.createdAt ?? (note.ms !== null ? new Date(note.ms).toISOString() : '1970-01-01T00:00:00.000Z');
      this.emit({
        id: note.noteId,
        createdAt: createdAt.replace(/\.\d{3}Z$/, '.000Z'),
        kind: 'original',
        text: note.text,
        replyPrefixLength: 0,
        links: note.links.map((url) => ({ url })),
        mentions: note.mentions.map((username) => ({ username, accountId: null })),
        hashtags: note.hashtags,
        media: [],
        replyTo: null,
        quote: null,
        repostOf: null,
        language: null,
        sensitive: false,
        circle: false,
        longPost: false,
        community: false,
        likes: 0,
        reposts: 0,
        url: account.username ? `https://twitter.com/${account.username}` : 'https://twitter.com/',
        previousVersions: [],
        client: null,
        standaloneNote: true,
      });
    }
  }

  /** moment.js embeds posts in an internal schema that names accounts with ids (§8, §10 item 3). */
  private async readMoments(rel: string): Promise<void> {
    for (const el of await this.readArray(rel)) {
      const moment = obj(obj(el)['moment'] ?? el);
      for (const t of arr(moment['tweets'])) {
        const tweet = obj(obj(t)['tweet']);
        const core = obj(tweet['coreData']);
        const at = str(core['createdAtSecs']);
        const seenAt = at && /^\d+$/.test(at) ? new Date(Number(at) * 1000).toISOString() : null;
        for (const m of arr(tweet['mentions'])) {
          const mention = obj(m);
          this.names.add(id(mention['userId']), str(mention['screenName']), 'moment', seenAt, str(mention['name']));
        }
        const directed = obj(core['directedAtUser']);
        this.names.add(id(directed['userId']), str(directed['screenName']), 'moment', seenAt);
      }
    }
  }

  private async readGraph(data: string): Promise<SourceGraph> {
    const following = parseAccountRefs(await this.readArray(`${data}following.js`), 'following');
    const followers = parseAccountRefs(await this.readArray(`${data}follower.js`), 'follower');
    const blocks = parseAccountRefs(await this.readArray(`${data}block.js`), 'blocking');
    const mutes = parseAccountRefs(await this.readArray(`${data}mute.js`), 'muting');
    const lists: SourceList[] = [
      ...parseLists(await this.readArray(`${data}lists-created.js`), 'created'),
      ...parseLists(await this.readArray(`${data}lists-member.js`), 'member'),
      ...parseLists(await this.readArray(`${data}lists-subscribed.js`), 'subscribed'),
    ];
    const nameOf = (accountId: string): string | null => this.names.get(accountId);
    return { following: toRefs(following, nameOf), followers: toRefs(followers, nameOf), blocks: toRefs(blocks, nameOf), mutes: toRefs(mutes, nameOf), lists };
  }

  /** Addresses people sent the owner in DMs (§9.7); the `*-headers.js` files carry no text. */
  private async readDirectMessages(data: string, account: SourceAccount): Promise<AddressHint[]> {
    const files = ['direct-messages.js', 'direct-messages-group.js', 'direct-message.js', 'direct-message-group.js'];
    const found = [];
    for (const f of files) found.push(...parseDmAddresses(await this.readArray(`${data}${f}`), account.accountId));
    return toAddressHints(found, (accountId) => this.names.get(accountId));
  }

  /** The paths of a media folder's files: one pass over the entry list (only the small profile folder is asked for). */
  private mediaPaths(dir: MediaDir | undefined): string[] {
    const paths: string[] = [];
    if (dir) for (const entry of this.files.entries) if (entry.path.startsWith(dir.prefix)) paths.push(entry.path);
    return paths;
  }

  private async readProfile(data: string): Promise<SourceProfile | null> {
    const parsed = parseProfile(await this.readArray(`${data}profile.js`));
    if (!parsed) return null;
    const files = this.mediaPaths(this.layout.mediaDirs.get(`${data}profile_media/`));
    // profile_media/<accountId>-<basename(avatarMediaUrl)> and <accountId>-<last segment of headerMediaUrl>.jpg (§6.2)
    const pick = (url: string | null): string | null => {
      if (!url) return null;
      const last = url.split(/[?#]/)[0]!.split('/').pop() ?? '';
      const stem = last.replace(/\.[A-Za-z0-9]+$/, '');
      return files.find((f) => f.slice(f.lastIndexOf('/') + 1).replace(/^\d+-/, '').replace(/\.[A-Za-z0-9]+$/, '') === stem) ?? null;
    };
    return toProfile(parsed, { avatar: pick(parsed.avatarUrl), header: pick(parsed.headerUrl) });
  }

  // ---------------------------------------------------------------- Grailbird (2012 → 2019)

  async readGrailbird(): Promise<ArchiveHeader> {
    const account = parseGrailbirdAccount(await this.readJs('data/js/user_details.js'));
    if (account.accountId && account.username) this.names.add(account.accountId, account.username, 'self', null, account.displayName);
    const ctx = this.context(account, { byName: () => null, byPost: () => [] }, new Set(), null);
    const monthly = [...this.layout.files].filter(([rel]) => /^data\/js\/tweets\/\d{4}_\d{2}\.js$/.test(rel)).map(([, e]) => e).sort((a, b) => a.path.localeCompare(b.path));
    const csvMonthly = [...this.layout.files].filter(([rel]) => /^data\/csv\/\d{4}_\d{2}\.csv$/.test(rel)).map(([, e]) => e).sort((a, b) => a.path.localeCompare(b.path));
    const rootCsv = this.entry('tweets.csv');
    // Prefer the JSON files (richer: entities, retweeted_status) over the CSV (§11.4), but read the
    // CSV too: people trim data/js/tweets/ while tweets.csv still holds every tweet, and rows
    // already read from JSON are dropped by id.
    const csvs = rootCsv ? [rootCsv] : csvMonthly;
    this.total = monthly.reduce((n, e) => n + e.size, 0) + csvs.reduce((n, e) => n + e.size, 0);
    for (const entry of monthly) await this.streamPosts(entry, ctx);
    for (const entry of csvs) {
      const rows = parseGrailbirdCsv(decodeUtf8(await this.readWhole(entry), entry.path), entry.path);
      rows.forEach((row, i) => this.acceptRaw(row, ctx, false, `${entry.path} data row ${i + 1}`, entry.path));
      this.done += entry.size;
    }
    if (monthly.length > 0 && csvs.length === 0) await this.checkTweetIndex();
    this.flushEditChains();
    const empty: SourceGraph = { following: [], followers: [], blocks: [], mutes: [], lists: [] };
    const profile: SourceProfile | null = null;
    return this.header(this.layout.generation ?? 'grailbird', account, profile, empty);
  }

  /** tweet_index.js lists the monthly files; a listed month that is absent is a hole to report (§12 gotcha 27). */
  private async checkTweetIndex(): Promise<void> {
    for (const el of await this.readArray('data/js/tweet_index.js')) {
      const fileName = str(obj(el)['file_name']);
      if (fileName && !this.entry(fileName)) {
        this.warn('W_PART_MISSING', `data/js/tweet_index.js lists ${fileName} but the archive does not contain it: the posts of that month are missing from this run.`, fileName);
      }
    }
  }

  private header(generation: ArchiveGeneration, account: SourceAccount, profile: SourceProfile | null, graph: SourceGraph, addressHints: readonly AddressHint[] = []): ArchiveHeader {
    this.recordWarningTotals();
    const warningCounts: Record<string, number> = {};
    for (const w of this.warnings) if (!this.recordWarnings.has(w.code)) warningCounts[w.code] = (warningCounts[w.code] ?? 0) + 1;
    for (const [code, n] of this.recordWarnings) warningCounts[code] = n;
    return { generation, account, profile, graph, names: this.names.toRecord(), ...(addressHints.length > 0 ? { addressHints } : {}), warnings: this.warnings, warningCounts };
  }
}

/** One account, one profile, one manifest: a few KB in real exports (archive-format.md §2). */
const SMALL_FILES = new Set(['manifest.js', 'account.js', 'profile.js', 'screen-name-change.js', 'user_details.js', 'tweet_index.js', 'payload_details.js']);
const SMALL_FILE_BYTES = 16 * 1024 * 1024;
/**
 * Every other file read whole (note-tweet.js, DMs, the follow lists, deleted tweets, moments, a
 * Grailbird tweets.csv): 256 MiB is several times the largest seen, and half of what one JavaScript
 * string can hold (V8's 0x1fffffe8 characters).
 */
const WHOLE_FILE_BYTES = 256 * 1024 * 1024;

/** Per-record warnings of one code shown in full; a damaged archive can have thousands. */
const RECORD_WARNINGS = 50;

/** FNV-1a over the text: tells a post exported twice from two posts that share an id. */
function textTag(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? 'a string' : `a ${typeof value}`;
}

/** The joiner of these notes, or null; the notes are not kept in the caller's frame, which lives as long as the read. */
function noteJoiner(notes: readonly Note[]): NoteJoiner | null {
  return notes.length > 0 ? new NoteJoiner(notes) : null;
}

function rethrow(error: unknown): never {
  throw error;
}

const SNIFF_LIMIT = 200;

/** Read the first bytes of each .js file (at most SNIFF_LIMIT, depth ≤ 3) to find renamed data files. */
async function sniffRenamedFiles(files: ArchiveFiles): Promise<ArchiveLayout | null> {
  const candidates: ArchiveEntry[] = [];
  for (const e of files.entries) {
    if (candidates.length === SNIFF_LIMIT) break;
    if (/\.js$/i.test(e.path) && e.path.split('/').length <= 4) candidates.push(e);
  }
  const found: { entry: LayoutEntry; globalName: string; part: number }[] = [];
  for (const entry of candidates) {
    const stream = await files.openStream(entry.path);
    let head = '';
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      head += chunk.toString('utf8');
      if (head.length >= 256) break;
    }
    stream.destroy();
    const m = /^\uFEFF?\s*window\.YTD\.([A-Za-z0-9_]+)\.part(\d+)\s*=/.exec(head);
    if (m) found.push({ entry, globalName: m[1]!, part: Number(m[2]) });
  }
  return layoutFromGlobals(found);
}

function partNumber(path: string): number {
  const m = /-part(\d+)\.js$/i.exec(path);
  return m ? Number(m[1]) : 0;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
