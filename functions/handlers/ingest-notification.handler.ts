import { ingestNotification } from '#notifications/ingest-notification';
import { UnauthorizedError } from '#platform/errors';
import { header, httpHandler, rawBody } from '#platform/http';
import { logger } from '#platform/powertools';
import { routeTo } from '#platform/router';
import { culqiConfigured, culqiCredentials } from '#psp/culqi/credentials';
import { isValidCulqiWebhookAuth } from '#psp/culqi/webhook-auth';
import {
  dlocalConfigured,
  dlocalCredentials,
  secretSchema as dlocalSecretSchema,
} from '#psp/dlocal/credentials';
import { isValidDlocalSignature } from '#psp/dlocal/dlocal-signature';
import { secretSchema as pagoEfectivoSecretSchema, pspCredentials } from '#psp/pagoefectivo/credentials';
import { isValidNotificationSignature } from '#psp/pagoefectivo/pe-signature';

/**
 * POST /webhooks/pagoefectivo and /webhooks/dlocal — no API key: each provider's signature over
 * the raw body is the authentication. Both take the same path from here: stored, queued, applied
 * once by apply-payment.
 */
// `run` is the plain function behind `handler` (tests call it bare).
export const run = routeTo('ingest-notification', {
  'POST /webhooks/pagoefectivo': async (event) => {
    const body = rawBody(event);
    const { secretKey } = await pspCredentials();
    const signature = header(event, 'pe-signature');
    const { notificationId } = await ingestNotification(body, {
      provider: 'pagoefectivo',
      signature,
      verify: (bytes) => isValidNotificationSignature(secretKey, bytes, signature),
    });
    return { status: 200, body: { received: true, id: notificationId } };
  },
  'POST /webhooks/dlocal': async (event) => {
    const body = rawBody(event);
    // A stage that does not sell through dLocal cannot verify a dLocal signature: refused, not a 500.
    if (!dlocalConfigured()) throw new UnauthorizedError('This stage takes no dLocal notifications.');
    const credentials = await dlocalCredentials();
    const headers = {
      login: header(event, 'x-login'),
      date: header(event, 'x-date'),
      authorization: header(event, 'authorization'),
      signature: header(event, 'signature'),
    };
    const { notificationId } = await ingestNotification(body, {
      provider: 'dlocal',
      signature: headers.authorization ?? headers.signature,
      verify: (bytes) => isValidDlocalSignature(credentials, headers, bytes),
    });
    return { status: 200, body: { received: true, id: notificationId } };
  },
  'POST /webhooks/culqi': async (event) => {
    const body = rawBody(event);
    // Culqi signs nothing (decision 105): basic auth, required (decision 130); the processor reads
    // the named order back from Culqi's API, so a body alone can never pay an order.
    if (!culqiConfigured()) throw new UnauthorizedError('This stage takes no Culqi notifications.');
    const credentials = await culqiCredentials();
    if (credentials.webhookUser === undefined || credentials.webhookPassword === undefined) {
      // Refused below like a wrong password (and counted: the signature alarms page), said here.
      logger.error(
        'Culqi notification refused: the Culqi secret has no webhookUser/webhookPassword; set the pair there and on the CulqiPanel webhook',
      );
    }
    const authorization = header(event, 'authorization');
    const { notificationId } = await ingestNotification(body, {
      provider: 'culqi',
      signature: authorization === undefined ? undefined : 'basic',
      verify: () => isValidCulqiWebhookAuth(credentials, authorization),
    });
    return { status: 200, body: { received: true, id: notificationId } };
  },
});

export const handler = httpHandler(run);

// The secrets' schemas are built at init, not by the first notification (decision 63).
pagoEfectivoSecretSchema();
if (dlocalConfigured()) dlocalSecretSchema();
