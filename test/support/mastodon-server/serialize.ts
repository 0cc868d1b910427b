import type { ServerProfile } from './profiles.js';
import type { ServerState, StoredAccount, StoredList, StoredMedia, StoredStatus } from './state.js';
import { pairKey } from './state.js';
import { renderStatusContent } from './text.js';

/** JSON shapes of the Mastodon REST entities (docs content/en/entities/*.md), snake_case as on the wire. */
export class Serializer {
  constructor(
    private readonly state: ServerState,
    private readonly origin: () => string,
    private readonly profile: () => ServerProfile,
  ) {}

  host(): string {
    return new URL(this.origin()).host;
  }

  acct(account: StoredAccount): string {
    return account.domain === null ? account.username : `${account.username}@${account.domain}`;
  }

  account(account: StoredAccount): Record<string, unknown> {
    const origin = account.domain === null ? this.origin() : `https://${account.domain}`;
    const statuses = [...this.state.statuses.values()].filter((s) => s.accountId === account.id && !s.deleted);
    const following = [...this.state.follows.values()].filter((f) => f.accountId === account.id && !f.requested).length;
    const followers = [...this.state.follows.values()].filter((f) => f.targetId === account.id && !f.requested).length;
    const avatar = account.avatar ? `${this.origin()}/system/accounts/avatars/${account.id}/${account.avatar.fileName}` : `${this.origin()}/avatars/original/missing.png`;
    const header = account.header ? `${this.origin()}/system/accounts/headers/${account.id}/${account.header.fileName}` : `${this.origin()}/headers/original/missing.png`;
    // Mastodon blanks a suspended account's profile (app/serializers/rest/account_serializer.rb: display_name, note, fields).
    const blank = account.suspended === true;
    return {
      id: account.id,
      username: account.username,
      acct: this.acct(account),
      display_name: blank ? '' : account.displayName,
      locked: account.locked,
      bot: account.bot,
      discoverable: true,
      group: false,
      created_at: account.createdAt,
      note: blank ? '' : account.note,
      url: `${origin}/@${account.username}`,
      uri: `${origin}/users/${account.username}`,
      avatar,
      avatar_static: avatar,
      header,
      header_static: header,
      followers_count: followers,
      following_count: following,
      statuses_count: statuses.length,
      last_status_at: null,
      emojis: [],
      fields: blank ? [] : account.fields.map((f) => ({ name: f.name, value: f.value, verified_at: null })),
      ...(blank ? { suspended: true } : {}),
      ...(account.movedToId && this.state.accounts.get(account.movedToId) ? { moved: this.account(this.state.accounts.get(account.movedToId)!) } : {}),
    };
  }

  credentialAccount(account: StoredAccount): Record<string, unknown> {
    return {
      ...this.account(account),
      source: {
        privacy: 'public',
        sensitive: false,
        language: account.language,
        note: account.note,
        fields: account.fields.map((f) => ({ name: f.name, value: f.value, verified_at: null })),
        follow_requests_count: 0,
      },
    };
  }

  media(media: StoredMedia): Record<string, unknown> {
    const done = media.processing === 'done';
    const base = `${this.origin()}/system/media_attachments/files/${media.id}`;
    return {
      id: media.id,
      type: media.type,
      url: done ? `${base}/original/${media.fileName}` : null,
      preview_url: `${base}/small/${media.fileName}`,
      remote_url: null,
      text_url: null,
      meta: media.focus ? { focus: parseFocus(media.focus) } : {},
      description: media.description,
      blurhash: null,
    };
  }

  status(status: StoredStatus, options: { withSource?: boolean } = {}): Record<string, unknown> {
    const account = this.state.accounts.get(status.accountId)!;
    const replyTo = status.inReplyToId ? this.state.statuses.get(status.inReplyToId) : undefined;
    const json: Record<string, unknown> = {
      id: status.id,
      created_at: status.createdAt,
      in_reply_to_id: status.inReplyToId,
      in_reply_to_account_id: replyTo?.accountId ?? null,
      sensitive: status.sensitive,
      spoiler_text: status.spoilerText,
      visibility: status.visibility,
      language: status.language,
      uri: `${this.origin()}/users/${account.username}/statuses/${status.id}`,
      url: `${this.origin()}/@${account.username}/${status.id}`,
      replies_count: 0,
      reblogs_count: 0,
      favourites_count: 0,
      edited_at: null,
      content: renderStatusContent(status.text, status.contentType),
      reblog: null,
      application: null,
      account: this.account(account),
      media_attachments: status.mediaIds.map((id) => this.media(this.state.media.get(id)!)),
      mentions: [],
      tags: [],
      emojis: [],
      card: null,
      poll: null,
    };
    if (this.profile().quotes) {
      json['quote'] = status.quotedStatusId
        ? { state: 'accepted', quoted_status: this.status(this.state.statuses.get(status.quotedStatusId)!) }
        : null;
    }
    // DELETE answers with the source text so clients can "delete and redraft" (statuses_controller.rb#destroy).
    if (options.withSource) json['text'] = status.text;
    return json;
  }

  relationship(accountId: string, targetId: string): Record<string, unknown> {
    const follow = this.state.follows.get(pairKey(accountId, targetId));
    const followedBy = this.state.follows.get(pairKey(targetId, accountId));
    const mute = this.state.mutes.get(pairKey(accountId, targetId));
    return {
      id: targetId,
      following: follow !== undefined && !follow.requested,
      showing_reblogs: follow?.reblogs ?? false,
      notifying: follow?.notify ?? false,
      languages: follow?.languages ?? null,
      followed_by: followedBy !== undefined && !followedBy.requested,
      blocking: this.state.blocks.has(pairKey(accountId, targetId)),
      blocked_by: this.state.blocks.has(pairKey(targetId, accountId)),
      muting: mute !== undefined,
      muting_notifications: mute?.notifications ?? false,
      requested: follow?.requested ?? false,
      requested_by: false,
      domain_blocking: false,
      endorsed: false,
      note: '',
    };
  }

  list(list: StoredList): Record<string, unknown> {
    return { id: list.id, title: list.title, replies_policy: list.repliesPolicy, exclusive: list.exclusive };
  }
}

function parseFocus(focus: string): { x: number; y: number } {
  const [x, y] = focus.split(',').map(Number);
  return { x: x ?? 0, y: y ?? 0 };
}
