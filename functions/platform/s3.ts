import { S3Client } from '@aws-sdk/client-s3';
import { config } from './config';
import { traced } from './tracing';

let s3Client: S3Client | undefined;

/** Only the settlement functions use S3 (report uploads); kept out of aws.ts so no other bundle carries it. */
export function s3(): S3Client {
  if (s3Client === undefined) {
    s3Client = traced(new S3Client({ region: config().AWS_REGION }));
  }
  return s3Client;
}
