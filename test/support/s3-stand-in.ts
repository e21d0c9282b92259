import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

/**
 * The local S3 stand-in: s3rver (a real S3 protocol server: path-style buckets, metadata,
 * HEAD/GET/PUT, S3's XML errors) on 127.0.0.1, behind a front that checks what s3rver, last
 * released in 2021, does not: flexible checksums. A request carrying `x-amz-checksum-<algorithm>`
 * (a header, or a presigned URL's query) is refused with S3's `BadDigest` unless the body matches —
 * so a presigned URL with the SDK's signed checksum of an empty body (aws/aws-sdk-js-v3#6994)
 * fails here as it fails in S3. s3rver checks the access key, not SigV4 signatures.
 */

// s3rver's accounts live in its internal registry; the local stack's key must be one of them.
const { DUMMY_ACCOUNT } = createRequire(import.meta.url)('s3rver/lib/models/account.js') as {
  DUMMY_ACCOUNT: { createKeyPair: (id: string, secret: string) => void };
};

export interface S3StandIn {
  /** Path-style endpoint (the stack's `S3_ENDPOINT`). */
  endpoint: string;
  close: () => Promise<void>;
}

const CRC32_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): Buffer {
  let c = 0xffffffff;
  for (const byte of bytes) c = (CRC32_TABLE[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
  const out = Buffer.alloc(4);
  out.writeUInt32BE((c ^ 0xffffffff) >>> 0);
  return out;
}

/** The checksums this stand-in can verify; any other algorithm is refused rather than trusted. */
const CHECKSUMS: Record<string, (body: Buffer) => string> = {
  crc32: (body) => crc32(body).toString('base64'),
  sha1: (body) => createHash('sha1').update(body).digest('base64'),
  sha256: (body) => createHash('sha256').update(body).digest('base64'),
};

function s3Error(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
}

/** Why S3 would refuse this request's body, if it would. */
function checksumProblem(url: URL, headers: IncomingMessage['headers'], body: Buffer): string | undefined {
  const claimed = new Map<string, string>();
  for (const [name, value] of url.searchParams) if (/^x-amz-checksum-/i.test(name)) claimed.set(name, value);
  for (const [name, value] of Object.entries(headers))
    if (/^x-amz-checksum-/i.test(name) && name.toLowerCase() !== 'x-amz-checksum-mode')
      claimed.set(name, String(value));
  for (const [name, value] of claimed) {
    const algorithm = name.toLowerCase().slice('x-amz-checksum-'.length);
    const compute = CHECKSUMS[algorithm];
    if (compute === undefined) return `The stand-in cannot verify ${name}.`;
    if (compute(body) !== value)
      return `The ${algorithm.toUpperCase()} you specified did not match the calculated checksum.`;
  }
  return undefined;
}

export async function startS3StandIn(buckets: string[]): Promise<S3StandIn> {
  const directory = mkdtempSync(join(tmpdir(), 's3rver-'));
  const s3rver = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: buckets.map((name) => ({ name, configs: [] })),
  });
  const { port: s3rverPort } = (await s3rver.run()) as AddressInfo;
  DUMMY_ACCOUNT.createKeyPair(process.env.AWS_ACCESS_KEY_ID ?? '', process.env.AWS_SECRET_ACCESS_KEY ?? '');

  const front: Server = createServer(async (incoming, outgoing) => {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(incoming.url ?? '/', 'http://stand-in');
    const problem = checksumProblem(url, incoming.headers, body);
    if (problem !== undefined) {
      outgoing.writeHead(400, { 'content-type': 'application/xml' }).end(s3Error('BadDigest', problem));
      return;
    }
    const forwarded = request(
      {
        host: '127.0.0.1',
        port: s3rverPort,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (reply) => {
        outgoing.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(outgoing);
      },
    );
    forwarded.on('error', (error) => outgoing.destroy(error));
    forwarded.end(body);
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  const { port } = front.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: async () => {
      front.closeAllConnections();
      await new Promise((resolve) => front.close(resolve));
      await s3rver.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
