import type { WebClient } from '@slack/web-api';
import type { ChartUploadPort } from '../../features/posture/post-posture.js';

/** Slack caps an image's alt text at 1,000 characters. */
const ALT_MAX = 1000;

/**
 * Slack's current upload flow (files.upload is retired): `files.getUploadURLExternal` gives a URL and a file ID, the
 * bytes are POSTed there, `files.completeUploadExternal` shares the file into the channel with its comment.
 */
export function createChartUploader(client: WebClient, fetchFn: typeof fetch = fetch): ChartUploadPort {
  return {
    async uploadPng(channel, png, meta) {
      const target = await client.files.getUploadURLExternal({
        filename: meta.filename,
        length: png.length,
        // Slack's argument is alt_txt; the SDK's type names it alt_text.
        ...({ alt_txt: meta.altText.slice(0, ALT_MAX) } as object),
      });
      if (!target.upload_url || !target.file_id)
        throw new Error('files.getUploadURLExternal gave no upload URL');
      const sent = await fetchFn(target.upload_url, {
        method: 'POST',
        headers: { 'content-type': 'image/png' },
        body: png,
        signal: AbortSignal.timeout(30_000),
      });
      if (!sent.ok) throw new Error(`the upload URL answered HTTP ${sent.status}`);
      await client.files.completeUploadExternal({
        files: [{ id: target.file_id, title: meta.title }],
        channel_id: channel,
        initial_comment: meta.comment,
      });
    },
  };
}
