/**
 * The S3 client and presigner as one on-demand library (decision 118): `s3.ts` imports this
 * module dynamically, and scripts/build-functions.ts bundles it beside the function as a file of
 * its own — the client and the presigner share one copy of the SDK's core — instead of into the
 * function's import. Only SDK re-exports here: our own modules stay single instances in the
 * function's bundle.
 */
export { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
export { getSignedUrl } from '@aws-sdk/s3-request-presigner';
