import fs from 'node:fs';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { getConfig } from '@/lib/config';
import { AppError } from '@/lib/errors';

export const MAX_MEDIA_BYTES = 16 * 1024 * 1024;

export function mediaDir(): string {
  return path.join(getConfig().dataDir, 'media');
}

export type StoredMedia = { storageKey: string; sha256: string; size: number };

/**
 * Streams bytes into DATA_DIR/media, content-addressed by sha256 (the same file twice is kept once).
 * Aborts with payload_too_large past `maxBytes`, leaving nothing behind.
 */
export async function storeMedia(
  source: Readable | AsyncIterable<Uint8Array> | Buffer,
  { maxBytes = MAX_MEDIA_BYTES }: { maxBytes?: number } = {},
): Promise<StoredMedia> {
  const dir = mediaDir();
  await fs.promises.mkdir(path.join(dir, 'tmp'), { recursive: true });
  const tmp = path.join(dir, 'tmp', randomBytes(12).toString('hex'));
  const hash = createHash('sha256');
  let size = 0;
  const input = Buffer.isBuffer(source) ? Readable.from([source]) : Readable.from(source as AsyncIterable<Uint8Array>);
  try {
    await pipeline(
      input,
      async function* (chunks: AsyncIterable<Uint8Array>) {
        for await (const chunk of chunks) {
          size += chunk.length;
          if (size > maxBytes) {
            throw new AppError(`payload_too_large:file larger than ${Math.round(maxBytes / 1024 / 1024)} MB`);
          }
          hash.update(chunk);
          yield chunk;
        }
      },
      fs.createWriteStream(tmp),
    );
  } catch (err) {
    await fs.promises.rm(tmp, { force: true });
    throw err;
  }
  const sha256 = hash.digest('hex');
  const storageKey = `${sha256.slice(0, 2)}/${sha256}`;
  const final = path.join(dir, storageKey);
  await fs.promises.mkdir(path.dirname(final), { recursive: true });
  await fs.promises.rename(tmp, final);
  return { storageKey, sha256, size };
}

export function mediaPath(storageKey: string): string {
  if (!/^[0-9a-f]{2}\/[0-9a-f]{64}$/.test(storageKey)) throw new AppError('not_found:No such file.');
  return path.join(mediaDir(), storageKey);
}

export function openMedia(storageKey: string): fs.ReadStream {
  return fs.createReadStream(mediaPath(storageKey));
}

/** The first bytes of a stored file, for type sniffing. */
export async function readMediaHead(storageKey: string, bytes = 4100): Promise<Buffer> {
  const fh = await fs.promises.open(mediaPath(storageKey), 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}
