import { Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  ApiKeySourceType,
  AuthorizationType,
  IdentitySource,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RequestAuthorizer,
  ResponseType,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { problem, problemType } from '#contract/problem-document';
import type { Stage, StageConfig } from '../stage-config';
import {
  type FunctionName,
  GATEWAY_PROBLEMS,
  ROUTES,
  SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS,
  usagePlanName,
} from '../topology';
import { EdgeProtection } from './edge-protection';
import { StackPart, uniqueIdOutsideParts } from './stack-part';

/**
 * One JSON line per request: who (key id from the authorizer), what, the answer, and where time
 * and failures went — the authorizer's and the integration's own error, status and latency —
 * so a 401 or 5xx can be explained from the access log alone.
 */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    extendedRequestId: '$context.extendedRequestId',
    time: '$context.requestTime',
    ip: '$context.identity.sourceIp',
    userAgent: '$context.identity.userAgent',
    method: '$context.httpMethod',
    resource: '$context.resourcePath',
    path: '$context.path',
    status: '$context.status',
    responseLength: '$context.responseLength',
    responseLatency: '$context.responseLatency',
    keyId: '$context.authorizer.keyId',
    authorizerStatus: '$context.authorizer.status',
    authorizerLatency: '$context.authorizer.latency',
    authorizerError: '$context.authorizer.error',
    integrationStatus: '$context.integration.status',
    integrationLatency: '$context.integration.latency',
    integrationError: '$context.integration.error',
    error: '$context.error.message',
    errorType: '$context.error.responseType',
    xrayTraceId: '$context.xrayTraceId',
  }),
);

const PROBLEM_TEMPLATE = (status: number, code: string, detail: string) => ({
  'application/json': JSON.stringify(problem(status, code, detail)),
});
/**
 * API Gateway's other 4xx (413 body too large, 415, …) keep their status, which a template cannot
 * read; so the body carries API Gateway's own message and no status member (RFC 9457 allows that).
 */
const DEFAULT_4XX_TEMPLATE = {
  'application/json': `{"type":"${problemType(GATEWAY_PROBLEMS.badRequest.code)}","title":"Error","code":"${GATEWAY_PROBLEMS.badRequest.code}","detail":$context.error.messageString}`,
};

export interface ServiceApiProps {
  stage: Stage;
  config: StageConfig;
  fn: (name: FunctionName) => IFunction;
}

/**
 * The REST API, built from the route table (lib/topology.ts ROUTES): access and execution logs,
 * the stage-wide and per-key throttles, the API-key authorizer, API Gateway's own errors as
 * problem+json (the local API server's very bodies) and the WAF in front. A StackPart: its
 * resources keep the logical ids they had when the stack made them — and the deployed API its URL.
 */
export class ServiceApi extends StackPart {
  readonly api: RestApi;

  constructor(scope: Construct, id: string, props: ServiceApiProps) {
    super(scope, id);
    this.api = buildServiceApi(this, props);
    // Named after the API's and the authorizer's paths: as they were before this part held them.
    this.keepIdsNamedAfter(this.api, this.api);
    this.keepIdsNamedAfter(this.node.findChild('ApiKeyAuthorizer'), props.fn('authorizer'));
  }
}

function buildServiceApi(scope: Construct, props: ServiceApiProps): RestApi {
  const { stage, config, fn } = props;
  const accessLogs = new LogGroup(scope, 'ApiAccessLogs', { retention: config.data.logRetention });
  const api = new RestApi(scope, 'Api', {
    restApiName: `pagoefectivo-marketplace-${stage}`,
    description: 'PagoEfectivo cash vouchers for marketplaces',
    cloudWatchRole: true,
    // Every body reaches the Lambdas base64-encoded, byte for byte: the PE-Signature is an HMAC
    // of the raw bytes, and a text pass-through could alter a latin-1 body before we verify it.
    binaryMediaTypes: ['*/*'],
    deployOptions: {
      stageName: stage,
      accessLogDestination: new LogGroupLogDestination(accessLogs),
      accessLogFormat: ACCESS_LOG_FORMAT,
      loggingLevel: MethodLoggingLevel.ERROR,
      dataTraceEnabled: false,
      tracingEnabled: true,
      // Per-method metrics are paid custom metrics no alarm reads; the API's own are free (and alarmed).
      metricsEnabled: config.api.detailedApiMetrics === true,
      throttlingRateLimit: config.api.apiThrottle.rateLimit,
      throttlingBurstLimit: config.api.apiThrottle.burstLimit,
    },
    // The authorizer names each caller's API Gateway key (usageIdentifierKey); callers never send one.
    apiKeySourceType: ApiKeySourceType.AUTHORIZER,
  });
  // API Gateway creates its execution log group on first write, with no retention; made here first.
  const executionLogs = new LogGroup(scope, 'ApiExecutionLogs', {
    logGroupName: `API-Gateway-Execution-Logs_${api.restApiId}/${stage}`,
    retention: config.data.logRetention,
  });
  // Before the stage exists, so API Gateway never creates it first (the create would then fail).
  api.deploymentStage.node.addDependency(executionLogs);
  // Per-client throttling: every key issued by `npm run api-key:create` joins this plan.
  api.addUsagePlan('ClientUsagePlan', {
    name: usagePlanName(stage),
    description: 'Per-API-key throttle for marketplace backends',
    throttle: config.api.clientThrottle,
    apiStages: [{ api, stage: api.deploymentStage }],
  });
  const authorizer = new RequestAuthorizer(scope, 'ApiKeyAuthorizer', {
    handler: fn('authorizer'),
    identitySources: [IdentitySource.header('Authorization')],
    resultsCacheTtl: config.api.authorizerCacheTtl,
    // CDK's default name, from the path it had before the API was a StackPart: every method's
    // hash (the deployment's logical id) includes it.
    authorizerName: uniqueIdOutsideParts(scope, 'ApiKeyAuthorizer'),
  });
  // API Gateway's own errors speak problem+json too, with the local API server's very bodies.
  const gatewayResponses = [
    ['Unauthorized', ResponseType.UNAUTHORIZED, GATEWAY_PROBLEMS.unauthorized],
    ['AccessDenied', ResponseType.ACCESS_DENIED, GATEWAY_PROBLEMS.unauthorized],
    ['InvalidApiKey', ResponseType.INVALID_API_KEY, GATEWAY_PROBLEMS.apiKeyNotEnabled],
    ['MissingAuthenticationToken', ResponseType.MISSING_AUTHENTICATION_TOKEN, GATEWAY_PROBLEMS.noSuchRoute],
    ['Default4xx', ResponseType.DEFAULT_4XX, GATEWAY_PROBLEMS.badRequest],
    ['RequestTooLarge', ResponseType.REQUEST_TOO_LARGE, GATEWAY_PROBLEMS.payloadTooLarge],
    ['Throttled', ResponseType.THROTTLED, GATEWAY_PROBLEMS.throttled],
    ['QuotaExceeded', ResponseType.QUOTA_EXCEEDED, GATEWAY_PROBLEMS.throttled],
    ['Default5xx', ResponseType.DEFAULT_5XX, GATEWAY_PROBLEMS.internalError],
    // The authorizer failed (it throws when the API keys cannot be read, or timed out): not a bad
    // key — a 401 would make the client believe its key revoked — but "retry shortly".
    ['AuthorizerFailure', ResponseType.AUTHORIZER_FAILURE, GATEWAY_PROBLEMS.serviceUnavailable],
    [
      'AuthorizerConfigurationError',
      ResponseType.AUTHORIZER_CONFIGURATION_ERROR,
      GATEWAY_PROBLEMS.serviceUnavailable,
    ],
    // A WAF block without a custom response of its own (the managed rule groups' rules).
    ['WafFiltered', ResponseType.WAF_FILTERED, GATEWAY_PROBLEMS.forbidden],
  ] as const;
  for (const [id, type, spec] of gatewayResponses) {
    api.addGatewayResponse(id, {
      type,
      // The defaults keep API Gateway's own status (413, 415, …); only their body becomes problem+json.
      ...(type === ResponseType.DEFAULT_5XX || type === ResponseType.DEFAULT_4XX
        ? {}
        : { statusCode: String(spec.status) }),
      responseHeaders: {
        'Content-Type': "'application/problem+json'",
        // Every refusal is readable cross-origin (the buyer's widget runs on the marketplace's
        // origin): without it the browser hides a 403/404/5xx body and shows a network error.
        'Access-Control-Allow-Origin': "'*'",
        ...(spec.status === 429 ? { 'Retry-After': "'1'" } : {}),
        ...(spec.status === 503 ? { 'Retry-After': `'${SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS}'` } : {}),
        // Retry-After is not a CORS-safelisted header: exposed, so a cross-origin caller can back off by it.
        ...(spec.status === 429 || spec.status === 503
          ? { 'Access-Control-Expose-Headers': "'Retry-After'" }
          : {}),
      },
      templates:
        type === ResponseType.DEFAULT_4XX
          ? DEFAULT_4XX_TEMPLATE
          : PROBLEM_TEMPLATE(spec.status, spec.code, spec.detail),
    });
  }

  for (const route of ROUTES) {
    const method = api.root.resourceForPath(route.path).addMethod(
      route.method,
      // No permission for the console's "Test" button: only the deployed stage may invoke.
      new LambdaIntegration(fn(route.function), { allowTestInvoke: false }),
      route.auth === 'apiKey'
        ? { authorizer, authorizationType: AuthorizationType.CUSTOM, apiKeyRequired: true }
        : {},
    );
    if (route.auth !== 'apiKey') {
      Validations.of(method).acknowledge(
        {
          id: 'AwsSolutions::AwsSolutions-APIG4',
          reason:
            route.auth === 'signature'
              ? 'PagoEfectivo cannot send our API key; the handler authenticates the PE-Signature HMAC before trusting anything.'
              : 'Public by design: the OpenAPI document, and the buyer-facing voucher page, its status and widget script (the unguessable token in the URL is the secret).',
        },
        { id: 'AwsSolutions::AwsSolutions-COG4', reason: 'Public route (see APIG4).' },
      );
    }
  }
  Validations.of(api).acknowledge({
    id: 'AwsSolutions::AwsSolutions-APIG2',
    reason:
      'Every input is validated in the Lambda with zod and answered with problem+json naming the field.',
  });
  new EdgeProtection(scope, 'Edge', {
    stage,
    stageArn: api.deploymentStage.stageArn,
    publicRoutesPerIpPer5Min: config.api.edge.publicRoutesPerIpPer5Min,
    // Never below what one key's usage plan allows in 5 minutes: a marketplace backend behind one
    // address would otherwise be refused by the WAF (429 rate_limited) at a fraction of its plan.
    apiPerIpPer5Min: Math.max(config.api.edge.apiPerIpPer5Min, config.api.clientThrottle.rateLimit * 300),
    pspRoutesPerIpPer5Min: config.api.edge.pspRoutesPerIpPer5Min,
    logRetention: config.data.logRetention,
    removalPolicy: config.data.removalPolicy,
    ...(config.api.edge.pspSourceCidrs ? { pspSourceCidrs: config.api.edge.pspSourceCidrs } : {}),
  });
  Validations.of(api).acknowledge(
    {
      id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason: 'The AWS-managed role API Gateway needs to write its execution logs; nothing else.',
    },
    {
      id: 'AwsSolutions::AwsSolutions-COG4',
      reason:
        'Callers are marketplace backends, not end users: a Lambda authorizer checks hashed, revocable API keys instead of a Cognito user pool.',
    },
  );
  return api;
}
