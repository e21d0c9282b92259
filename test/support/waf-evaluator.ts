/**
 * A small evaluator of a synthesized AWS::WAFv2::WebACL, for the infra tests: which rule (if any)
 * blocks a burst of identical requests from one address. It reads the template's rules as AWS WAF
 * does — by priority, terminating on the first Block or Allow, labels from Count — and knows the
 * statement kinds our ACL uses; any other kind throws, so a rule it cannot read never passes
 * silently. Managed rule groups are modelled by the one rule of theirs that looks at what a
 * well-formed PSP notification may lack: AWSManagedRulesCommonRuleSet's NoUserAgent_HEADER.
 */

export interface BurstRequest {
  /** The URI path as WAF sees it (API Gateway's stage first, e.g. `/prod/webhooks/dlocal`). */
  path: string;
  ip: string;
  headers: Record<string, string>;
  /** How many identical requests the address sends inside one 5-minute window. */
  countIn5Min: number;
}

export interface Verdict {
  /** The rule that blocked the burst (or its last requests), or undefined when all pass. */
  blockedBy?: string;
  /** The block's custom response, when the rule has one. */
  response?: { ResponseCode: number; CustomResponseBodyKey?: string; ResponseHeaders?: unknown[] };
}

type Json = Record<string, unknown>;

/** What NORMALIZE_PATH does: no `//`, no `/./`, `/../` resolved. */
function normalisePath(path: string): string {
  const out: string[] = [];
  for (const segment of path.replace(/\/{2,}/g, '/').split('/')) {
    if (segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  return out.join('/') || '/';
}

function transform(value: string, transformations: { Type: string; Priority: number }[]): string {
  let result = value;
  for (const { Type } of [...transformations].sort((a, b) => a.Priority - b.Priority)) {
    if (Type === 'NONE') continue;
    else if (Type === 'URL_DECODE') result = decodeURIComponent(result);
    else if (Type === 'NORMALIZE_PATH') result = normalisePath(result);
    else if (Type === 'LOWERCASE') result = result.toLowerCase();
    else throw new Error(`text transformation ${Type} is not modelled`);
  }
  return result;
}

function ipInCidr(ip: string, cidr: string): boolean {
  const toNumber = (address: string) =>
    address.split('.').reduce((total, octet) => total * 256 + Number(octet), 0);
  const [base = '', bits = '32'] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  return Math.floor(toNumber(ip) / size) === Math.floor(toNumber(base) / size);
}

export function evaluateBurst(template: { Resources: Record<string, Json> }, request: BurstRequest): Verdict {
  const acls = Object.values(template.Resources).filter((resource) => resource.Type === 'AWS::WAFv2::WebACL');
  if (acls.length !== 1) throw new Error(`expected one web ACL, found ${acls.length}`);
  const acl = (acls[0] as { Properties: Json }).Properties;
  const ipSet = (arn: unknown): string[] => {
    const id = (arn as { 'Fn::GetAtt'?: string[] })['Fn::GetAtt']?.[0];
    const resource = id ? (template.Resources[id] as { Properties: { Addresses: string[] } }) : undefined;
    if (!resource) throw new Error(`IP set ${JSON.stringify(arn)} not in the template`);
    return resource.Properties.Addresses;
  };
  const labels = new Set<string>();

  const matches = (statement: Json): boolean => {
    const [kind, body] = Object.entries(statement)[0] as [string, Json];
    switch (kind) {
      case 'ByteMatchStatement': {
        if (!('UriPath' in (body.FieldToMatch as Json))) throw new Error('only UriPath matches are modelled');
        const value = transform(
          request.path,
          body.TextTransformations as { Type: string; Priority: number }[],
        );
        const search = String(body.SearchString);
        switch (body.PositionalConstraint) {
          case 'CONTAINS':
            return value.includes(search);
          case 'ENDS_WITH':
            return value.endsWith(search);
          case 'STARTS_WITH':
            return value.startsWith(search);
          case 'EXACTLY':
            return value === search;
          default:
            throw new Error(`positional constraint ${String(body.PositionalConstraint)} is not modelled`);
        }
      }
      case 'OrStatement':
        return (body.Statements as Json[]).some(matches);
      case 'AndStatement':
        return (body.Statements as Json[]).every(matches);
      case 'NotStatement':
        return !matches(body.Statement as Json);
      case 'LabelMatchStatement':
        return labels.has(String(body.Key));
      case 'IPSetReferenceStatement':
        return ipSet(body.Arn).some((cidr) => ipInCidr(request.ip, cidr));
      case 'RateBasedStatement': {
        if (body.AggregateKeyType !== 'IP') throw new Error('only per-IP rate rules are modelled');
        const scoped = body.ScopeDownStatement === undefined || matches(body.ScopeDownStatement as Json);
        return scoped && request.countIn5Min > Number(body.Limit);
      }
      default:
        throw new Error(`statement ${kind} is not modelled`);
    }
  };

  const rules = [...(acl.Rules as Json[])].sort((a, b) => Number(a.Priority) - Number(b.Priority));
  for (const rule of rules) {
    const statement = rule.Statement as Json;
    if ('ManagedRuleGroupStatement' in statement) {
      const group = statement.ManagedRuleGroupStatement as Json;
      if (group.Name !== 'AWSManagedRulesCommonRuleSet') continue;
      // A group with a scope-down statement inspects only the requests it matches.
      if (group.ScopeDownStatement !== undefined && !matches(group.ScopeDownStatement as Json)) continue;
      const lacksUserAgent = !Object.keys(request.headers).some(
        (name) => name.toLowerCase() === 'user-agent',
      );
      if (!lacksUserAgent) continue;
      labels.add('awswaf:managed:aws:core-rule-set:NoUserAgent_Header');
      const excluded = ((group.ExcludedRules as Json[] | undefined) ?? []).some(
        (excludedRule) => excludedRule.Name === 'NoUserAgent_HEADER',
      );
      const override = ((group.RuleActionOverrides as Json[] | undefined) ?? []).find(
        (candidate) => candidate.Name === 'NoUserAgent_HEADER',
      );
      const action = excluded
        ? { Count: {} }
        : ((override?.ActionToUse as Json | undefined) ?? { Block: {} });
      const groupCounts = 'Count' in ((rule.OverrideAction as Json | undefined) ?? {});
      if ('Block' in action && !groupCounts) return { blockedBy: String(rule.Name) };
      continue;
    }
    if (!matches(statement)) continue;
    const action = rule.Action as Json;
    for (const label of (rule.RuleLabels as { Name: string }[] | undefined) ?? []) labels.add(label.Name);
    if ('Block' in action) {
      const custom = (action.Block as Json | undefined)?.CustomResponse as Verdict['response'];
      return { blockedBy: String(rule.Name), ...(custom ? { response: custom } : {}) };
    }
    if ('Allow' in action) return {};
  }
  return {};
}
