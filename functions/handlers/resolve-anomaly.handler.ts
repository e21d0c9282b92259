import { AnomalyIdParamsSchema, ResolveAnomalyRequestSchema } from '#payments/anomaly-schemas';
import { now } from '#platform/clock';
import { ConflictError, NotFoundError } from '#platform/errors';
import { type HttpEndpoint, httpHandler, parseJsonBody, parseParams } from '#platform/http';
import { AnomalyAlreadyResolvedError, resolveAnomaly } from '#store/anomalies-repository';

/**
 * POST /v1/anomalies/{id}/resolve — operations close an anomaly once they have dealt with it
 * (refunded the buyer outside PagoEfectivo, accepted the order, …). Kept, with who and what, for audit.
 */
// `run` is the plain function behind `handler` (tests call it bare).
export const run: HttpEndpoint = async (event) => {
  const { id } = parseParams(event.pathParameters, AnomalyIdParamsSchema, 'path');
  const { resolution } = parseJsonBody(event, ResolveAnomalyRequestSchema);
  const resolvedBy = String(event.requestContext.authorizer?.keyId ?? 'unknown');
  try {
    const resolved = await resolveAnomaly(id, { resolvedBy, resolution, at: now() });
    if (!resolved) throw new NotFoundError(`No anomaly ${id}.`);
    return { status: 200, body: resolved };
  } catch (error) {
    if (error instanceof AnomalyAlreadyResolvedError) {
      throw new ConflictError(
        'anomaly_already_resolved',
        `Anomaly ${id} was resolved at ${error.anomaly.resolvedAt}.`,
        {
          anomaly: error.anomaly,
        },
      );
    }
    throw error;
  }
};

export const handler = httpHandler(run);
