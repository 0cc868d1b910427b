import { contentMatchesType, sniffMediaType } from '../domain/media-type.js';
import type { PlanMedia } from '../domain/plan.js';
import { isInstanceError } from '../instance/instance-error.js';
import type { InstanceClient, InstanceMedia } from '../instance/types.js';
import { governedCall, type CallContext } from './call.js';

/**
 * Media upload: POST /api/v2/media with the archive file's MIME type and a file name (Mastodon
 * answers 400 without one, mastodon#17622, spec §3.1), alt text as `description`, then our own
 * polling of GET /api/v1/media/:id with backoff until processed — not masto.js's 1-second loop,
 * which spends the 300-per-5-minutes request budget on polls (spec §7.5). Images come back
 * processed (200); video and GIFs come back 202 and are polled.
 */

/** Poll delays: 2 s, then ×1.5 up to 10 s (spec §9.4: "backoff 2 s → 10 s"), for at most 15 minutes (scaled by FLEDGE_BACKOFF_SCALE in tests). */
export const POLL_FIRST_MS = 2_000;
export const POLL_MAX_MS = 10_000;
export const POLL_GIVE_UP_MS = 15 * 60_000;

export class MediaItemError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'MediaItemError';
  }
}

export interface MediaReader {
  /** The file's bytes, by its path inside the archive (PlanMedia.file). */
  read(media: PlanMedia): Promise<Uint8Array>;
}

export function fileNameOf(media: PlanMedia): string {
  const base = media.file.split('/').pop() ?? media.file;
  return base.length > 0 ? base : `${media.key}`;
}

/** Upload one media file and wait until the server has processed it. Rejects MediaItemError for an item failure. */
export async function uploadMedia(
  ctx: CallContext,
  client: InstanceClient,
  reader: MediaReader,
  media: PlanMedia,
  onUploaded: (mediaId: string) => void,
): Promise<InstanceMedia> {
  let data: Uint8Array;
  try {
    data = await reader.read(media);
  } catch (error) {
    throw new MediaItemError('E_MEDIA_READ', `cannot read ${media.file} from the archive: ${(error as Error).message}`);
  }
  // A plan file is untrusted: what is uploaded must be what the plan says it is (issue 11).
  if (data.length === 0) throw new MediaItemError('E_MEDIA_EMPTY', `${media.file} is empty (0 bytes); not uploaded`);
  if (!contentMatchesType(data, media.mimeType)) {
    throw new MediaItemError('E_MEDIA_CONTENT', `${media.file} is declared ${media.mimeType}, but its content is ${sniffMediaType(data) ?? 'no image or video'}; not uploaded`);
  }
  let uploaded: InstanceMedia;
  try {
    const result = await governedCall(ctx, 'media', () =>
      client.uploadMedia(
        { file: { data, fileName: fileNameOf(media), mimeType: media.mimeType }, ...(media.altText !== null ? { description: media.altText } : {}) },
        { signal: undefined },
      ),
    );
    uploaded = result.data;
  } catch (error) {
    if (isInstanceError(error) && (error.kind === 'unprocessable' || error.kind === 'client' || error.kind === 'not-found')) {
      throw new MediaItemError('E_MEDIA_REFUSED', `the server refused ${media.file}: ${error.serverMessage ?? error.message}`);
    }
    throw error;
  }
  onUploaded(uploaded.id);
  return waitForProcessing(ctx, client, uploaded, media);
}

/** Poll until processed; 'failed' (GET answered 422) is an item failure. */
export async function waitForProcessing(ctx: CallContext, client: InstanceClient, media: InstanceMedia, plan: PlanMedia): Promise<InstanceMedia> {
  let current = media;
  let delay = POLL_FIRST_MS;
  const start = ctx.clock.now();
  while (current.processing === 'processing') {
    if (ctx.clock.now() - start > POLL_GIVE_UP_MS) {
      throw new MediaItemError('E_MEDIA_TIMEOUT', `the server was still processing ${plan.file} after ${POLL_GIVE_UP_MS / 60_000} minutes`);
    }
    await ctx.clock.sleep(delay * (ctx.backoffScale ?? 1), ctx.signal);
    delay = Math.min(POLL_MAX_MS, Math.round(delay * 1.5));
    try {
      current = (await governedCall(ctx, 'read', () => client.getMedia(current.id))).data;
    } catch (error) {
      // 404 while processing: Mastodon answers it for a moment on some setups (masto.js keeps polling on 404 too, spec §7.5).
      if (isInstanceError(error) && error.kind === 'not-found') continue;
      throw error;
    }
  }
  if (current.processing === 'failed') {
    throw new MediaItemError('E_MEDIA_PROCESSING', `the server could not process ${plan.file}`);
  }
  return current;
}
