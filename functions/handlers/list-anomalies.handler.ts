import { ListAnomaliesQuerySchema } from '#payments/anomaly-schemas';
import { httpHandler, parseParams } from '#platform/http';
import { listAnomalies } from '#store/anomalies-repository';

export const handler = httpHandler(async (event) => {
  const query = parseParams(event.queryStringParameters, ListAnomaliesQuerySchema, 'query');
  return { status: 200, body: await listAnomalies(query) };
});
