import { ingestNotification } from '../payments/ingest-notification';
import { header, httpHandler, rawBody } from '../platform/http';
import { pspCredentials } from '../psp/pagoefectivo/credentials';

/** POST /webhooks/pagoefectivo — no API key: the PE-Signature is the authentication. */
export const handler = httpHandler(async (event) => {
  const { secretKey } = await pspCredentials();
  const { webhookId } = await ingestNotification(rawBody(event), header(event, 'pe-signature'), secretKey);
  return { status: 200, body: { received: true, id: webhookId } };
});
