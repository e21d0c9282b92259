import { CfnIPSet, CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

export interface EdgeProtectionProps {
  stage: string;
  /** The API stage to protect: `arn:aws:apigateway:<region>::/restapis/<id>/stages/<stage>`. */
  stageArn: string;
  /** Requests per IP per 5 minutes on the public routes (PSP notifications; the voucher page later). */
  publicRoutesPerIpPer5Min: number;
  /** Requests per IP per 5 minutes on the whole API (the per-key throttle sits behind it). */
  apiPerIpPer5Min: number;
  /** When set, only these CIDRs may post to /webhooks/pagoefectivo (PagoEfectivo's egress). */
  pspSourceCidrs?: readonly string[];
}

const visibility = (metricName: string) => ({
  cloudWatchMetricsEnabled: true,
  sampledRequestsEnabled: true,
  metricName,
});

/**
 * AWS WAF in front of the API stage: AWS's managed common and known-bad-inputs rule groups, a
 * rate limit per IP on the public (unauthenticated) routes and a looser one on the whole API, an
 * optional allowlist of PagoEfectivo's addresses for its notification route, and bodies over 8 KB
 * left to the functions' own limits (the managed rule that blocks them would refuse settlement
 * reports). Everything else is allowed: API keys and signatures are checked behind it.
 */
export class EdgeProtection extends Construct {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: EdgeProtectionProps) {
    super(scope, id);
    // The unauthenticated routes: PSP notifications, and the buyer's voucher page with its widget.
    // WAF sees the path with API Gateway's stage in front (`/prod/webhooks/…`), or without it behind
    // a custom domain: matched anywhere in the path, never at its start.
    const pathContains = (searchString: string): CfnWebACL.StatementProperty => ({
      byteMatchStatement: {
        fieldToMatch: { uriPath: {} },
        positionalConstraint: 'CONTAINS',
        searchString,
        textTransformations: [{ priority: 0, type: 'NONE' }],
      },
    });
    const publicPaths: CfnWebACL.StatementProperty = {
      orStatement: {
        statements: [pathContains('/webhooks/'), pathContains('/v/'), pathContains('/sdk/')],
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
            // Settlement reports (up to 4 MB) and notifications are bodies our functions bound themselves.
            excludedRules: [{ name: 'SizeRestrictions_BODY' }],
          },
        },
        visibilityConfig: visibility('aws-common'),
      },
      {
        name: 'aws-known-bad-inputs',
        priority: 20,
        overrideAction: { none: {} },
        statement: {
          managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesKnownBadInputsRuleSet' },
        },
        visibilityConfig: visibility('aws-known-bad-inputs'),
      },
      {
        name: 'public-routes-rate-per-ip',
        priority: 30,
        action: { block: {} },
        statement: {
          rateBasedStatement: {
            aggregateKeyType: 'IP',
            limit: props.publicRoutesPerIpPer5Min,
            scopeDownStatement: publicPaths,
          },
        },
        visibilityConfig: visibility('public-routes-rate-per-ip'),
      },
      {
        name: 'api-rate-per-ip',
        priority: 40,
        action: { block: {} },
        statement: { rateBasedStatement: { aggregateKeyType: 'IP', limit: props.apiPerIpPer5Min } },
        visibilityConfig: visibility('api-rate-per-ip'),
      },
    ];
    if (props.pspSourceCidrs?.length) {
      const allowed = new CfnIPSet(this, 'PspSources', {
        name: `pagoefectivo-${props.stage}-psp-sources`,
        scope: 'REGIONAL',
        ipAddressVersion: 'IPV4',
        addresses: [...props.pspSourceCidrs],
      });
      rules.push({
        name: 'psp-notifications-from-psp-only',
        priority: 5,
        action: { block: {} },
        statement: {
          andStatement: {
            statements: [
              {
                byteMatchStatement: {
                  fieldToMatch: { uriPath: {} },
                  // The stage (or a custom domain's base path) comes first: matched at the end.
                  positionalConstraint: 'ENDS_WITH',
                  searchString: '/webhooks/pagoefectivo',
                  textTransformations: [{ priority: 0, type: 'NONE' }],
                },
              },
              { notStatement: { statement: { ipSetReferenceStatement: { arn: allowed.attrArn } } } },
            ],
          },
        },
        visibilityConfig: visibility('psp-notifications-from-psp-only'),
      });
    }
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      name: `pagoefectivo-${props.stage}-api`,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      rules,
      visibilityConfig: visibility(`pagoefectivo-${props.stage}-api`),
    });
    new CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
  }
}
