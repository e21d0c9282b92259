import { ListAnomaliesQuerySchema } from '#payments/anomaly-schemas';
import { type HttpEndpoint, httpHandler, parseParams } from '#platform/http';
import { listAnomalies } from '#store/anomalies-repository';

/** The plain function behind `handler`: the request in, the answer out (tests call it bare). */
export const run: HttpEndpoint = async (event) => {
  const query = parseParams(event.queryStringParameters, ListAnomaliesQuerySchema, 'query');
  return { status: 200, body: await listAnomalies(query) };
};

export const handler = httpHandler(run);
