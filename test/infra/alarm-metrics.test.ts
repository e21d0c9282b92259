import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { METRIC_NAMES } from '#contract/metrics';
import { PROVIDERS, SERVICE } from '#contract/service';
import { createProductApp } from '#lib/product-app';
import { STAGE_CONFIG, STAGES } from '#lib/stage-config';
import { FUNCTIONS } from '#lib/topology';

/**
 * An alarm on a metric nobody emits never fires: after a rename on one side only (decision 117),
 * `notifications-silent` would watch a name the code stopped sending, or a heartbeat would page
 * for ever. Both sides read one list (functions/contract/metrics.ts) and the compiler holds each
 * to it; this test closes the loop: every alarm (and dashboard graph) in every synthesized stage
 * watches a metric of ours that the Lambda code really emits, with the dimensions Powertools
 * gives it — or one of AWS's own.
 */

// ---- What the code emits: read by the TypeScript compiler over functions/ ----

/**
 * Every metric name written in the Lambda code where the compiler expects a metric name (its
 * contextual type is the list's union): `metrics.addMetric('X', …)`, either branch of a conditional
 * inside it, a `Record<…, MetricName>` of names it looks up, `crashMetric: 'X'` handed to the SQS
 * wrapper. The list module itself does not count, nor do comments or other strings. Also returns
 * every `addMetric` call whose name the compiler cannot pin to listed names (a second Metrics
 * object with a free string, say).
 */
function metricsTheCodeEmits(): { emitted: Set<string>; untyped: string[] } {
  const parsed = ts.parseJsonConfigFileContent(
    ts.readConfigFile('tsconfig.json', ts.sys.readFile).config,
    ts.sys,
    process.cwd(),
  );
  const inFunctions = (file: string) => relative(process.cwd(), file).startsWith('functions/');
  const program = ts.createProgram(parsed.fileNames.filter(inFunctions), parsed.options);
  const checker = program.getTypeChecker();
  const listed = new Set<string>(METRIC_NAMES);
  /** The string literals a type is made of (`undefined` aside); undefined if anything else is in it. */
  const literals = (type: ts.Type): string[] | undefined => {
    const parts = (type.isUnion() ? type.types : [type]).filter(
      (part) => !(part.flags & ts.TypeFlags.Undefined),
    );
    return parts.every((part) => part.isStringLiteral())
      ? parts.map((part) => (part as ts.StringLiteralType).value)
      : undefined;
  };
  const isMetricNameType = (type: ts.Type | undefined) => {
    const names = type && literals(type);
    return names !== undefined && names.length === listed.size && names.every((name) => listed.has(name));
  };
  const emitted = new Set<string>();
  const untyped: string[] = [];
  for (const file of program.getSourceFiles()) {
    if (
      !inFunctions(file.fileName) ||
      relative(process.cwd(), file.fileName) === 'functions/contract/metrics.ts'
    )
      continue;
    const visit = (node: ts.Node): void => {
      if (
        ts.isStringLiteralLike(node) &&
        listed.has(node.text) &&
        isMetricNameType(checker.getContextualType(node))
      )
        emitted.add(node.text);
      if (
        ts.isCallExpression(node) &&
        ts.isPropertyAccessExpression(node.expression) &&
        node.expression.name.text === 'addMetric'
      ) {
        const [name] = node.arguments;
        const names = name && literals(checker.getTypeAtLocation(name));
        if (!names?.every((candidate) => listed.has(candidate))) {
          const { line } = file.getLineAndCharacterOfPosition(node.getStart());
          untyped.push(
            `${relative(process.cwd(), file.fileName)}:${line + 1} ${node.getText().slice(0, 80)}`,
          );
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  return { emitted, untyped };
}

// ---- What the alarms and dashboards watch: read from the synthesized templates ----

const root = mkdtempSync(join(tmpdir(), 'alarm-metrics-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
/** Placeholder bundles: which metrics an alarm watches does not depend on the code's bytes. */
const bundles = join(root, 'bundles');
for (const name of Object.keys(FUNCTIONS)) {
  mkdirSync(join(bundles, name), { recursive: true });
  writeFileSync(join(bundles, name, 'index.mjs'), 'export const handler = async () => ({});\n');
}
const { stage: _stage, ...featureFlags } = JSON.parse(readFileSync('cdk.json', 'utf8')).context as Record<
  string,
  unknown
>;

type Watched = { where: string; namespace: unknown; name: unknown; dimensions: Record<string, unknown> };
type Resource = { Type: string; Properties: Record<string, unknown> };
type MetricJson = {
  Namespace?: unknown;
  MetricName?: unknown;
  Dimensions?: { Name: string; Value: unknown }[];
};

const dimensionsOf = (metric: MetricJson) =>
  Object.fromEntries((metric.Dimensions ?? []).map(({ Name, Value }) => [Name, Value]));

const sameDimensions = (left: Record<string, unknown>, right: Record<string, unknown>) =>
  JSON.stringify(Object.entries(left).sort()) === JSON.stringify(Object.entries(right).sort());

/** Each metric an alarm watches: its own, or each one its math expression reads. */
function watchedBy(id: string, alarm: Resource): Watched[] {
  const props = alarm.Properties as MetricJson & { Metrics?: { MetricStat?: { Metric: MetricJson } }[] };
  const single = props.MetricName === undefined ? [] : [props];
  const inMath = (props.Metrics ?? []).flatMap((entry) =>
    entry.MetricStat ? [entry.MetricStat.Metric] : [],
  );
  return [...single, ...inMath].map((metric) => ({
    where: id,
    namespace: metric.Namespace,
    name: metric.MetricName,
    dimensions: dimensionsOf(metric),
  }));
}

/** The dashboard's graphs of our namespace: `["<namespace>","<name>",dimension,value,…]` in its body. */
function graphedBy(id: string, dashboard: Resource): Watched[] {
  const body = dashboard.Properties.DashboardBody as string | { 'Fn::Join': [string, unknown[]] };
  const text =
    typeof body === 'string'
      ? body
      : body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'TOKEN')).join('');
  const rows = (JSON.parse(text) as { widgets: { properties: { metrics?: unknown[][] } }[] }).widgets.flatMap(
    (widget) => widget.properties.metrics ?? [],
  );
  return rows
    .filter((row) => row[0] === SERVICE.metricsNamespace)
    .map((row) => {
      const pairs = row.slice(2).filter((cell) => typeof cell === 'string') as string[];
      const dimensions: Record<string, unknown> = {};
      for (let i = 0; i + 1 < pairs.length; i += 2) dimensions[pairs[i] as string] = pairs[i + 1];
      return { where: id, namespace: row[0], name: row[1], dimensions };
    });
}

/** Every stage, and prod selling through each provider (the provider is a metric dimension). */
const variants = [
  ...STAGES.map((stage) => ({ stage, provider: STAGE_CONFIG[stage].psp.provider })),
  ...PROVIDERS.filter((provider) => provider !== STAGE_CONFIG.prod.psp.provider).map((provider) => ({
    stage: 'prod' as const,
    provider,
  })),
];

function synthesized(stage: (typeof STAGES)[number], provider: string) {
  const product = createProductApp(
    stage,
    bundles,
    new App({
      outdir: join(root, `${stage}-${provider}`),
      context: { ...featureFlags, alarmEmails: 'oncall@example.pe', provider },
    }),
  );
  return [product.stateful, product.service].map(
    (stack) => Template.fromStack(stack).toJSON() as { Resources: Record<string, Resource> },
  );
}

const { emitted, untyped } = metricsTheCodeEmits();

describe('what the Lambda code emits', () => {
  it('names every metric from the shared list, as the compiler checks it', () => {
    expect(untyped).toEqual([]);
  });

  it('is every name in the list, and the list is all it emits', () => {
    // A name nobody emits left in the list would let an alarm watch silence.
    expect(METRIC_NAMES.filter((name) => !emitted.has(name))).toEqual([]);
    expect(emitted.size).toBe(METRIC_NAMES.length);
  });
});

describe.each(variants)('every alarm of $stage (provider $provider)', ({ stage, provider }) => {
  const resources = synthesized(stage, provider).flatMap((template) => Object.entries(template.Resources));
  const alarms = resources.filter(([, resource]) => resource.Type === 'AWS::CloudWatch::Alarm');
  const watched = alarms.flatMap(([id, alarm]) => watchedBy(id, alarm));
  const graphed = resources
    .filter(([, resource]) => resource.Type === 'AWS::CloudWatch::Dashboard')
    .flatMap(([id, dashboard]) => graphedBy(id, dashboard));

  it('watches at least one metric', () => {
    expect(alarms.length).toBeGreaterThan(Object.keys(FUNCTIONS).length);
    expect(alarms.filter(([id]) => !watched.some((metric) => metric.where === id)).map(([id]) => id)).toEqual(
      [],
    );
  });

  it("watches AWS's own metrics, or one of ours that the code emits, with the dimensions it emits it with", () => {
    const ours = watched.filter((metric) => !String(metric.namespace).startsWith('AWS/'));
    expect(ours.length).toBeGreaterThan(5);
    const wrong = [...ours, ...graphed].flatMap((metric) => {
      const problems = [];
      if (metric.namespace !== SERVICE.metricsNamespace)
        problems.push(`namespace ${String(metric.namespace)}`);
      if (!emitted.has(String(metric.name))) problems.push(`${String(metric.name)}: no code emits it`);
      // Powertools: the service's name, and the stage's provider as a default dimension.
      if (!sameDimensions(metric.dimensions, { service: SERVICE.name, provider }))
        problems.push(`dimensions ${JSON.stringify(metric.dimensions)}`);
      return problems.map((problem) => `${metric.where}: ${problem}`);
    });
    expect(wrong).toEqual([]);
    expect(graphed.length).toBeGreaterThan(10);
  });
});
