import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { nowMs } from '#platform/clock';
import { config } from '#platform/config';
import { csvText } from '#platform/csv';
import { timeLeftMs } from '#platform/deadline';
import {
  ConflictError,
  NotFoundError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
} from '#platform/errors';
import { header, httpHandler, type JsonResult, parseJsonBody, parseParams, rawBody } from '#platform/http';
import { routeTo } from '#platform/router';
import { presignUpload } from '#platform/s3';
import { pspProvider } from '#psp/index';
import { lineRowsForCsv, settlementResponse } from '#settlements/present';
import { importReport } from '#settlements/reconcile';
import { REPORT_MEDIA_TYPES, type ReportFormat } from '#settlements/report';
import {
  ImportSettlementQuerySchema,
  ListLinesQuerySchema,
  ListSettlementsQuerySchema,
  MAX_REPORT_BYTES,
  SettlementIdParamsSchema,
  UploadRequestSchema,
} from '#settlements/request-schemas';
import { claimUploadKey, getSettlement, listLines, listSettlements } from '#store/settlements-repository';

/** Stop starting batches this long before the API's 29 s integration timeout would cut us off. */
const IMPORT_RESERVE_MS = 4_000;
const UPLOAD_URL_SECONDS = 15 * 60;

function reportFormat(event: APIGatewayProxyEvent): ReportFormat {
  const type = (header(event, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === REPORT_MEDIA_TYPES.csv) return 'csv';
  if (type === REPORT_MEDIA_TYPES.xlsx) return 'xlsx';
  throw new UnsupportedMediaTypeError(
    `Send the report as ${REPORT_MEDIA_TYPES.csv} or ${REPORT_MEDIA_TYPES.xlsx} (the file itself as the body).`,
  );
}

/** The settlement a path names (`{id}`): a 404 for its routes if there is none. */
async function existingSettlement(event: APIGatewayProxyEvent) {
  const { id } = parseParams(event.pathParameters, SettlementIdParamsSchema, 'path');
  const settlement = await getSettlement(id);
  if (settlement === undefined) throw new NotFoundError(`No settlement ${id}.`);
  return settlement;
}

const keyId = (event: APIGatewayProxyEvent) => String(event.requestContext.authorizer?.keyId ?? 'unknown');

/**
 * Settlement reports: import one (the file as the body, or a presigned S3 upload for larger ones),
 * list them, read one with its counts and totals, and list its lines (JSON, or CSV for finance).
 */
// `run` is the plain function behind `handler` (tests call it bare).
export const run = routeTo('settlements', {
  'POST /v1/settlements': async (event) => {
    const format = reportFormat(event);
    const query = parseParams(event.queryStringParameters, ImportSettlementQuerySchema, 'query');
    const bytes = rawBody(event);
    if (bytes.length > MAX_REPORT_BYTES) {
      throw new PayloadTooLargeError(
        `Reports posted to the API are limited to ${MAX_REPORT_BYTES} bytes; upload larger ones through POST /v1/settlements/uploads.`,
      );
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const idempotencyKey = header(event, 'idempotency-key');
    if (idempotencyKey && !(await claimUploadKey(idempotencyKey, sha256, new Date(nowMs()).toISOString()))) {
      throw new ConflictError(
        'idempotency_key_reused',
        'This Idempotency-Key came with another report; use a new key for a new file.',
      );
    }
    const { settlement, replayed } = await importReport(
      {
        open: () => Readable.from([bytes]),
        format,
        fileName: query.fileName ?? `settlement.${format}`,
        sha256,
      },
      {
        partial: query.partial,
        psp: pspProvider(),
        by: keyId(event),
        hasTimeLeft: () => timeLeftMs() > IMPORT_RESERVE_MS,
      },
    );
    const status = settlement.status === 'IMPORTING' ? 202 : replayed ? 200 : 201;
    return {
      status,
      body: settlementResponse(settlement),
      headers: {
        location: `/v1/settlements/${settlement.id}`,
        // Not finished in this request's time: posting the same file again resumes it.
        ...(status === 202 ? { 'retry-after': '1' } : {}),
      },
    };
  },
  'POST /v1/settlements/uploads': async (event) => {
    const request = parseJsonBody(event, UploadRequestSchema);
    const bucket = config().SETTLEMENT_BUCKET_NAME;
    if (bucket === undefined) {
      throw new ConflictError(
        'uploads_unavailable',
        'This stage has no report bucket (the local stack has no S3): POST the file to /v1/settlements.',
      );
    }
    const format = request.fileName.toLowerCase().endsWith('.xlsx') ? 'xlsx' : 'csv';
    const key = `incoming/${randomUUID()}.${format}`;
    const metadata = {
      'file-name': request.fileName,
      'imported-by': keyId(event),
      partial: String(request.partial),
    };
    const uploadUrl = await presignUpload({
      bucket,
      key,
      contentType: REPORT_MEDIA_TYPES[format],
      metadata,
      expiresInSeconds: UPLOAD_URL_SECONDS,
    });
    return {
      status: 201,
      body: {
        uploadUrl,
        method: 'PUT',
        headers: {
          'content-type': REPORT_MEDIA_TYPES[format],
          ...Object.fromEntries(
            Object.entries(metadata).map(([name, value]) => [`x-amz-meta-${name}`, value]),
          ),
        },
        key,
        expiresAt: new Date(nowMs() + UPLOAD_URL_SECONDS * 1000).toISOString(),
      },
    };
  },
  'GET /v1/settlements': async (event) => {
    const { limit, cursor } = parseParams(event.queryStringParameters, ListSettlementsQuerySchema, 'query');
    const page = await listSettlements(limit, cursor);
    return { status: 200, body: { items: page.items.map(settlementResponse), nextCursor: page.nextCursor } };
  },
  'GET /v1/settlements/{id}': async (event) => ({
    status: 200,
    body: settlementResponse(await existingSettlement(event)),
  }),
  'GET /v1/settlements/{id}/lines': async (event): Promise<JsonResult> => {
    const { id } = await existingSettlement(event);
    const query = parseParams(event.queryStringParameters, ListLinesQuerySchema, 'query');
    const page = await listLines(id, query);
    if ((header(event, 'accept') ?? '').toLowerCase().includes('text/csv')) {
      return {
        status: 200,
        body: undefined,
        text: await csvText(lineRowsForCsv(page.items)),
        headers: {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="${id}-lines.csv"`,
          ...(page.nextCursor ? { 'x-next-cursor': page.nextCursor } : {}),
        },
      };
    }
    return { status: 200, body: page };
  },
});

export const handler = httpHandler(run);
