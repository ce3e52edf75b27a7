import { Readable } from 'node:stream';
import type { SimulatorMessage } from '@/db/schema';
import { openMedia } from '@/lib/media/storage';

/** A stored simulator file as an HTTP response, or null when it is not (yet) there. */
export function mediaResponse(message: SimulatorMessage | undefined, mediaSid: string): Response | null {
  const media = message?.media.find((m) => m.sid === mediaSid);
  if (!media?.storageKey) return null;
  const stream = Readable.toWeb(openMedia(media.storageKey)) as ReadableStream<Uint8Array>;
  const headers: Record<string, string> = {
    'content-type': media.contentType || 'application/octet-stream',
    'cache-control': 'private, max-age=3600',
  };
  if (media.size) headers['content-length'] = String(media.size);
  if (media.filename) headers['content-disposition'] = `inline; filename*=UTF-8''${encodeURIComponent(media.filename)}`;
  return new Response(stream, { headers });
}
