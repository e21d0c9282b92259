import type { APIGatewayProxyEvent } from 'aws-lambda';
import { PROBLEM_CONTENT_TYPE, problem } from '#contract/problem-document';
import { VOUCHER_PAGE_TOKEN_PATTERN } from '#model/ids';
import { now } from '#platform/clock';
import { NotFoundError } from '#platform/errors';
import { header, httpHandler, type JsonResult } from '#platform/http';
import { routeTo } from '#platform/router';
import { getOrderByVoucherPageToken } from '#store/orders-repository';
import { renderNotFoundPage, renderVoucherPage, VOUCHER_PAGE_HEADERS } from '#voucher-page/render';
import { voucherPageSettings } from '#voucher-page/settings';
import { statusView, voucherView } from '#voucher-page/view';
import { VOUCHER_WIDGET_ETAG, VOUCHER_WIDGET_SOURCE, WIDGET_VERSION } from '#voucher-page/widget';

/** The JSON views are read by the widget from the marketplace's own origin; they hold nothing secret. */
const CORS = { 'access-control-allow-origin': '*', vary: 'accept' };
const JSON_SECURITY = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' };
/** The JSON views' 404, readable cross-origin like their 200s (the widget tells the host page). */
const notFoundJson = (): JsonResult => ({
  status: 404,
  body: problem(404, 'not_found', 'No such voucher.'),
  headers: { ...CORS, ...JSON_SECURITY, 'content-type': PROBLEM_CONTENT_TYPE },
});

function wantsJson(accept: string | undefined): boolean {
  return accept !== undefined && /application\/json/i.test(accept) && !/text\/html/i.test(accept);
}

/** The order a page token names (undefined for a malformed or unknown one), and the page's settings. */
async function tokenOrder(event: APIGatewayProxyEvent) {
  const token = event.pathParameters?.token ?? '';
  const order = VOUCHER_PAGE_TOKEN_PATTERN.test(token) ? await getOrderByVoucherPageToken(token) : undefined;
  return { order, settings: voucherPageSettings(), at: now() };
}

/**
 * The buyer's side, public (no API key; the token is the secret): the hosted voucher page, its
 * JSON views, and the embeddable widget's script. Every wrong token, malformed or unknown, gets
 * the same 404 without telling which.
 */
// `run` is the plain function behind `handler` (tests call it bare).
export const run = routeTo('voucher-page', {
  'GET /v/{token}': async (event): Promise<JsonResult> => {
    const { order, settings, at } = await tokenOrder(event);
    if (wantsJson(header(event, 'accept'))) {
      if (order === undefined) return notFoundJson();
      return {
        status: 200,
        body: voucherView(order, settings, at),
        headers: { ...CORS, ...JSON_SECURITY, 'cache-control': 'no-cache' },
      };
    }
    if (order === undefined)
      return { status: 404, body: null, text: renderNotFoundPage(), headers: VOUCHER_PAGE_HEADERS };
    return {
      status: 200,
      body: null,
      text: renderVoucherPage(voucherView(order, settings, at)),
      headers: { ...VOUCHER_PAGE_HEADERS, vary: 'accept' },
    };
  },
  'GET /v/{token}/status': async (event): Promise<JsonResult> => {
    const { order, settings, at } = await tokenOrder(event);
    if (order === undefined) return notFoundJson();
    return {
      status: 200,
      body: statusView(order, settings, at),
      // A few seconds of caching absorbs a crowd of pollers; the page flips within ~10 s anyway.
      headers: { ...CORS, ...JSON_SECURITY, 'cache-control': 'public, max-age=5' },
    };
  },
  'GET /sdk/{file}': async (event) =>
    widgetScript(event.pathParameters?.file, header(event, 'if-none-match')),
});

export const handler = httpHandler(run);

function widgetScript(file: string | undefined, ifNoneMatch: string | undefined): JsonResult {
  const versioned = file === `voucher-${WIDGET_VERSION}.js`;
  if (file !== 'voucher.js' && !versioned) throw new NotFoundError('No such file.');
  const common = {
    'content-type': 'text/javascript; charset=utf-8',
    'x-content-type-options': 'nosniff',
    'access-control-allow-origin': '*',
    etag: VOUCHER_WIDGET_ETAG,
    // A versioned file never changes; the moving name is rechecked every few minutes.
    'cache-control': versioned ? 'public, max-age=31536000, immutable' : 'public, max-age=300',
  };
  if (ifNoneMatch === VOUCHER_WIDGET_ETAG) return { status: 304, body: null, text: '', headers: common };
  return { status: 200, body: null, text: VOUCHER_WIDGET_SOURCE, headers: common };
}
