import { ArnFormat, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnIPSet, CfnLoggingConfiguration, CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { problem } from '#contract/problem-document';
import { BUYER_PATH_PREFIXES, GATEWAY_PROBLEMS, PSP_NOTIFICATION_PATHS } from '../topology';

export interface EdgeProtectionProps {
  stage: string;
  /** The API stage to protect: `arn:aws:apigateway:<region>::/restapis/<id>/stages/<stage>`. */
  stageArn: string;
  /** Requests per IP per 5 minutes on the buyer's public routes (`/v/…`, `/sdk/…`). */
  publicRoutesPerIpPer5Min: number;
  /** Requests per IP per 5 minutes on the whole API but the PSP routes (the per-key throttle sits behind it). */
  apiPerIpPer5Min: number;
  /**
   * Requests per IP per 5 minutes on the PSP notification routes: a flood guard only, far above
   * what a PSP sends (PSPs notify from a handful of addresses; ~230 per 5 min at 1M orders a
   * month, several times that at peaks).
   */
  pspRoutesPerIpPer5Min: number;
  /** When set, only these CIDRs may post to the PSP notification routes (the PSPs' egress). */
  pspSourceCidrs?: readonly string[];
  /** How long the log of blocked requests is kept (the stage's log retention). */
  logRetention: RetentionDays;
  /**
   * The stage's data removal policy: the log group has a fixed name (WAF's `aws-waf-logs-` rule), so
   * one retained by a torn-down dev stack would make its next deployment fail ("already exists").
   */
  removalPolicy?: RemovalPolicy;
}

const visibility = (metricName: string) => ({
  cloudWatchMetricsEnabled: true,
  sampledRequestsEnabled: true,
  metricName,
});

/** The stage's web ACL (its name is the `WebACL` dimension of its CloudWatch metrics). */
export const webAclName = (stage: string) => `pagoefectivo-${stage}-api`;

/** The rules that can refuse a request on the PSP notification routes (each one's metric name). */
export const PSP_ROUTE_RULES = ['psp-routes-rate-per-ip', 'psp-notifications-from-psp-only'] as const;

/** The managed common rule set's label for a request without a User-Agent header. */
export const NO_USER_AGENT_LABEL = 'awswaf:managed:aws:core-rule-set:NoUserAgent_Header';

/** WAF's custom response bodies, by key: the same problem documents the API answers. */
const RATE_LIMITED_BODY = 'rate-limited';
const FORBIDDEN_BODY = 'forbidden';
/** Seconds a rate-limited client is told to wait: WAF evaluates its rate windows every ~30 s–1 min. */
const RATE_LIMIT_RETRY_AFTER_SECONDS = 60;

/**
 * AWS WAF in front of the API stage: AWS's managed common and known-bad-inputs rule groups, a
 * rate limit per IP on the buyer's public routes, a looser one on the rest of the API, a flood
 * guard far above any PSP's volume on the PSP notification routes, an optional allowlist of the
 * PSPs' addresses for those routes (which the managed rule groups do not inspect: their
 * signature is checked before anything reads them), and bodies over 8 KB left to the functions' own limits (the
 * managed rule that blocks them would refuse settlement reports). The PSP routes are never in
 * a per-IP rule sized for people, and a notification without a User-Agent is not refused (we do
 * not know that PagoEfectivo or dLocal send one): refusing a notification delays a payment until
 * sync-pending polls. Blocks answer problem+json: 429 with Retry-After for rate limits, 403
 * otherwise. Everything else is allowed: API keys and signatures are checked behind it.
 */
export class EdgeProtection extends Construct {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: EdgeProtectionProps) {
    super(scope, id);
    // WAF sees the path with API Gateway's stage in front (`/prod/webhooks/…`), or without it behind
    // a custom domain: matched anywhere in the path, never at its start. Every match URL-decodes
    // and normalises the path first (`//`, `/./`, `/../`, `%2F`), so a spelling API Gateway routes
    // the same way cannot slip past a rule (decision 45).
    const normalised = [
      { priority: 0, type: 'URL_DECODE' },
      { priority: 1, type: 'NORMALIZE_PATH' },
    ];
    const pathMatch = (
      positionalConstraint: 'CONTAINS' | 'ENDS_WITH',
      searchString: string,
    ): CfnWebACL.StatementProperty => ({
      byteMatchStatement: {
        fieldToMatch: { uriPath: {} },
        positionalConstraint,
        searchString,
        textTransformations: normalised,
      },
    });
    const anyOf = (statements: CfnWebACL.StatementProperty[]): CfnWebACL.StatementProperty =>
      statements.length === 1
        ? (statements[0] as CfnWebACL.StatementProperty)
        : { orStatement: { statements } };
    const not = (statement: CfnWebACL.StatementProperty): CfnWebACL.StatementProperty => ({
      notStatement: { statement },
    });
    /** The PSP notification routes (both providers), exactly: the route ends the path. */
    const pspRoutes = anyOf(PSP_NOTIFICATION_PATHS.map((path) => pathMatch('ENDS_WITH', path)));
    /**
     * Where AWS's managed rule groups look. Not at the PSP routes: a notification is verified by its
     * signature over the raw bytes before anything reads it, and its body carries the marketplace's
     * own free text (dLocal's and Culqi's `description` is the order's concept) — a concept that
     * looked like cross-site scripting or a path to the managed body rules would have every
     * notification of that payment refused 403, and the payment stay unapplied until polled.
     */
    const notPspRoutes = not(pspRoutes);
    /** The buyer's voucher page, its status and the widget script (the contract's buyer routes). */
    const buyerRoutes = anyOf(BUYER_PATH_PREFIXES.map((prefix) => pathMatch('CONTAINS', prefix)));
    const rateLimited = {
      block: {
        customResponse: {
          responseCode: GATEWAY_PROBLEMS.rateLimited.status,
          customResponseBodyKey: RATE_LIMITED_BODY,
          responseHeaders: [
            { name: 'Retry-After', value: String(RATE_LIMIT_RETRY_AFTER_SECONDS) },
            // The cross-origin widget must be able to read why it was refused.
            { name: 'Access-Control-Allow-Origin', value: '*' },
          ],
        },
      },
    };
    const forbidden = {
      block: {
        customResponse: {
          responseCode: GATEWAY_PROBLEMS.forbidden.status,
          customResponseBodyKey: FORBIDDEN_BODY,
          responseHeaders: [{ name: 'Access-Control-Allow-Origin', value: '*' }],
        },
      },
    };
    const rules: CfnWebACL.RuleProperty[] = [
      {
        name: 'aws-common',
        priority: 10,
        overrideAction: { none: {} },
        statement: {
          managedRuleGroupStatement: {
            vendorName: 'AWS',
            name: 'AWSManagedRulesCommonRuleSet',
            scopeDownStatement: notPspRoutes,
            // Settlement reports (up to 4 MB) and notifications are bodies our functions bound themselves.
            excludedRules: [{ name: 'SizeRestrictions_BODY' }],
            // Counted (labelled) here, blocked below everywhere but on the PSP routes.
            ruleActionOverrides: [{ name: 'NoUserAgent_HEADER', actionToUse: { count: {} } }],
          },
        },
        visibilityConfig: visibility('aws-common'),
      },
      {
        name: 'no-user-agent-outside-psp-routes',
        priority: 11,
        action: forbidden,
        statement: {
          andStatement: {
            statements: [
              { labelMatchStatement: { scope: 'LABEL', key: NO_USER_AGENT_LABEL } },
              not(pspRoutes),
            ],
          },
        },
        visibilityConfig: visibility('no-user-agent-outside-psp-routes'),
      },
      {
        name: 'aws-known-bad-inputs',
        priority: 20,
        overrideAction: { none: {} },
        statement: {
          managedRuleGroupStatement: {
            vendorName: 'AWS',
            name: 'AWSManagedRulesKnownBadInputsRuleSet',
            scopeDownStatement: notPspRoutes,
          },
        },
        visibilityConfig: visibility('aws-known-bad-inputs'),
      },
      {
        name: 'public-routes-rate-per-ip',
        priority: 30,
        action: rateLimited,
        statement: {
          rateBasedStatement: {
            aggregateKeyType: 'IP',
            limit: props.publicRoutesPerIpPer5Min,
            scopeDownStatement: buyerRoutes,
          },
        },
        visibilityConfig: visibility('public-routes-rate-per-ip'),
      },
      {
        name: 'api-rate-per-ip',
        priority: 40,
        action: rateLimited,
        statement: {
          rateBasedStatement: {
            aggregateKeyType: 'IP',
            limit: props.apiPerIpPer5Min,
            scopeDownStatement: not(pspRoutes),
          },
        },
        visibilityConfig: visibility('api-rate-per-ip'),
      },
      {
        name: PSP_ROUTE_RULES[0],
        priority: 50,
        action: rateLimited,
        statement: {
          rateBasedStatement: {
            aggregateKeyType: 'IP',
            limit: props.pspRoutesPerIpPer5Min,
            scopeDownStatement: pspRoutes,
          },
        },
        visibilityConfig: visibility(PSP_ROUTE_RULES[0]),
      },
    ];
    if (props.pspSourceCidrs?.length) {
      const allowed = new CfnIPSet(this, 'PspSources', {
        name: `pagoefectivo-${props.stage}-psp-sources`,
        scope: 'REGIONAL',
        ipAddressVersion: 'IPV4',
        addresses: [...props.pspSourceCidrs],
      });
      // First of all: a PSP route from anywhere else is refused before any other rule counts it.
      rules.push({
        name: PSP_ROUTE_RULES[1],
        priority: 5,
        action: forbidden,
        statement: {
          andStatement: {
            statements: [pspRoutes, not({ ipSetReferenceStatement: { arn: allowed.attrArn } })],
          },
        },
        visibilityConfig: visibility(PSP_ROUTE_RULES[1]),
      });
    }
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      name: webAclName(props.stage),
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      rules,
      customResponseBodies: {
        [RATE_LIMITED_BODY]: {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify(
            problem(
              GATEWAY_PROBLEMS.rateLimited.status,
              GATEWAY_PROBLEMS.rateLimited.code,
              GATEWAY_PROBLEMS.rateLimited.detail,
            ),
          ),
        },
        [FORBIDDEN_BODY]: {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify(
            problem(
              GATEWAY_PROBLEMS.forbidden.status,
              GATEWAY_PROBLEMS.forbidden.code,
              GATEWAY_PROBLEMS.forbidden.detail,
            ),
          ),
        },
      },
      visibilityConfig: visibility(webAclName(props.stage)),
    });
    new CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
    // What WAF refused, and why (which rule, which address, which path): the only record of a
    // request that never reached API Gateway's access log — a PSP told no at our edge among them.
    // Blocks only (allowed traffic is in the access log already), and never the caller's key.
    const blockedLog = new LogGroup(this, 'BlockedRequests', {
      // WAF delivers only to log groups named aws-waf-logs-….
      logGroupName: `aws-waf-logs-${webAclName(props.stage)}`,
      retention: props.logRetention,
      ...(props.removalPolicy ? { removalPolicy: props.removalPolicy } : {}),
    });
    new CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      logDestinationConfigs: [
        Stack.of(this).formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: blockedLog.logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      redactedFields: [{ singleHeader: { Name: 'authorization' } }],
      loggingFilter: {
        DefaultBehavior: 'DROP',
        Filters: [
          {
            Behavior: 'KEEP',
            Requirement: 'MEETS_ANY',
            Conditions: [{ ActionCondition: { Action: 'BLOCK' } }],
          },
        ],
      },
    });
  }
}
