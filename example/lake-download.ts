import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';

/**
 * Copies every object under `prefix` to `directory` (same relative keys), so a query engine can read the
 * lake from disk. Pages with `StartAfter` rather than continuation tokens (s3rver's tokens use a cipher
 * Node 20's OpenSSL no longer has). Returns how many objects were copied.
 *
 * @example
 * ```ts
 * await downloadPrefix(s3, 'shop-analytics-lake', 'lake/', '/tmp/lake');
 * ```
 */
export async function downloadPrefix(s3: S3Client, bucket: string, prefix: string, directory: string): Promise<number> {
  const keys: string[] = [];
  let startAfter: string | undefined;
  for (;;) {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, StartAfter: startAfter }));
    const contents = page.Contents ?? [];
    for (const object of contents) if (object.Key) keys.push(object.Key);
    if (!page.IsTruncated || contents.length === 0) break;
    startAfter = contents.at(-1)!.Key;
  }
  const limit = pLimit(8);
  await Promise.all(
    keys.map((key) =>
      limit(async () => {
        const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        const target = join(directory, key);
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, await object.Body!.transformToByteArray());
      }),
    ),
  );
  return keys.length;
}
