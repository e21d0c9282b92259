/**
 * Dependencies run one way (docs/architecture.md): handlers → use cases → adapters (store, PSP) →
 * model → platform. `npm run lint` checks these rules (dependency-cruiser), so a
 * new module cannot quietly import back up a floor. Each rule says why it exists.
 */
const USE_CASES =
  '(orders|payments|notifications|refunds|ledger|settlements|payouts|risk|jobs|events|voucher-page|outbound-webhooks)';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle makes two modules one: neither can change or be tested alone.',
      from: { path: '^(functions|lib|local)/' },
      to: { circular: true, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'nothing-imports-a-handler',
      severity: 'error',
      comment: 'Handlers are the top floor: thin adapters from a trigger to a use case.',
      from: { path: '^functions/', pathNot: '^functions/handlers/' },
      to: { path: '^functions/handlers/' },
    },
    {
      name: 'the-model-stands-on-platform-only',
      severity: 'error',
      comment:
        'functions/model/ is the pure domain (entities, money, state machine, journal, event vocabulary, refund/payout/settlement/risk rules, limits): it imports only itself, platform/ basics and the plain contract (the stage defaults), so the store, the PSP adapters and every use case can build on it (decisions 94, 119).',
      from: { path: '^functions/model/' },
      to: {
        path: '^(functions|lib|local)/',
        pathNot: ['^functions/(model|platform)/', '^functions/contract/[^/]+\\.ts$'],
      },
    },
    {
      name: 'the-model-calls-no-aws',
      severity: 'error',
      comment:
        'The model decides; it never reads or writes: no AWS SDK, no Powertools, no DynamoDB document client.',
      from: { path: '^functions/model/' },
      to: { path: 'node_modules/(@aws-sdk|@smithy|@aws-lambda-powertools)/' },
    },
    {
      name: 'the-store-stands-on-the-model',
      severity: 'error',
      comment:
        "The store writes what use cases hand it (events arrive presented) and returns model values: it imports the model, platform/, the contract (the entities' keys among it) and itself, never a use case, a presenter, an API schema, the HTTP layer or the PSP.",
      from: { path: '^functions/store/' },
      to: { path: '^functions/', pathNot: '^functions/(model|platform|store|contract)/' },
    },
    {
      name: 'psp-adapters-stand-on-the-model',
      severity: 'error',
      comment:
        'A PSP adapter speaks its provider in terms of the model (money, orders): it imports the model, platform/ and the psp/ port, never the store or a use case.',
      from: { path: '^functions/psp/' },
      to: {
        path: '^functions/',
        pathNot: ['^functions/(model|platform|psp)/', '^functions/contract/[^/]+\\.ts$'],
      },
    },
    {
      name: 'use-cases-speak-no-http',
      severity: 'error',
      comment:
        'Use cases sit below the HTTP layer (the OpenAPI document, idempotent POSTs): a job or a queue consumer calls them the same way a route does.',
      from: { path: `^functions/${USE_CASES}/` },
      to: { path: '^functions/http/' },
    },
    {
      name: 'domain-imports-no-psp-adapter',
      severity: 'error',
      comment: 'Use cases take a PspProvider (psp/provider.ts); the stage picks the adapter in the handlers.',
      from: { path: `^functions/(${USE_CASES.slice(1, -1)}|store)/` },
      to: { path: '^functions/psp/(pagoefectivo|dlocal)/' },
    },
    {
      name: 'entities-are-plain-keys',
      severity: 'error',
      comment:
        "Entity modules hold key formats and nothing else (docs/data-model.md): they import only each other, so anyone — the store, the CDK stack (IAM leading keys, the indexes), a bench — can use them without pulling in the domain; they are the table's half of the contract (decision 119).",
      from: { path: '^functions/contract/entities/' },
      to: { path: '^(functions|lib|local)/', pathNot: '^functions/contract/entities/' },
    },
    {
      name: 'platform-is-the-floor',
      severity: 'error',
      comment: 'Env config, Powertools, errors and HTTP plumbing serve everyone and depend on no one above.',
      from: { path: '^functions/platform/' },
      to: { path: ['^functions/(?!platform/|contract/[^/]+\\.ts$)', '^(lib|local)/'] },
    },
    {
      name: 'the-contract-imports-nothing',
      severity: 'error',
      comment:
        "The contract (functions/contract/: routes, service names, problem documents, people, stage defaults, and the entities' keys in contract/entities/) is plain data below platform/, the handlers and lib/ (decisions 97, 98, 119): it imports nothing of ours outside itself, so any of them can read it and no arrow runs back up from it.",
      from: { path: '^functions/contract/' },
      to: { path: '^(functions|lib|local)/', pathNot: '^functions/contract/' },
    },
    {
      name: 'lib-reads-functions-only-through-the-contract',
      severity: 'error',
      comment:
        'The CDK app and the Lambda code meet in one place (functions/contract/, decision 98): lib/ never reaches into a use case, the store or platform/, so the code can move without the stacks noticing.',
      from: { path: '^lib/' },
      to: { path: '^functions/', pathNot: '^functions/contract/' },
    },
    {
      name: 'lambda-code-stays-deployable',
      severity: 'error',
      comment:
        'What runs in Lambda never imports the CDK app, the local stack, tests, benchmarks or scripts (what both sides share is functions/contract/).',
      from: { path: '^functions/' },
      to: { path: '^(lib|local|test|bench|scripts)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|\\.build|cdk\\.out|sdk/src/openapi\\.ts)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
