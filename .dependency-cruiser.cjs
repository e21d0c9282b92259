/**
 * Dependencies run one way (docs/architecture.md): handlers → use cases → (domain model, ports) →
 * adapters (store, PSP) → platform. `npm run lint` checks these rules (dependency-cruiser), so a
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
      name: 'store-takes-and-returns-domain-values',
      severity: 'error',
      comment:
        'The store writes what use cases hand it (events arrive presented): it never imports a presenter, the HTTP layer, a use case, or the PSP.',
      from: { path: '^functions/store/' },
      to: {
        path: [
          '/present\\.ts$',
          '^functions/(handlers|http|notifications|outbound-webhooks|jobs|psp|voucher-page)/',
          '^functions/(orders|payments|refunds|payouts|settlements|risk)/(?!order\\.ts$|money\\.ts$|settlement\\.ts$|rules\\.ts$|refund\\.ts$|payout\\.ts$|anomaly\\.ts$)',
          '^functions/events/(?!event-types\\.ts$)',
        ],
      },
    },
    {
      name: 'store-imports-no-api-schema',
      severity: 'error',
      comment:
        'API schemas describe the wire; the store holds domain types (orders/order.ts, refunds/refund.ts, payouts/payout.ts, payments/anomaly.ts), which each schema is checked against at compile time. Not even a type-only import.',
      from: { path: '^functions/store/' },
      to: { path: '(api-schemas|anomaly-schemas|schemas)\\.ts$' },
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
        'Entity modules hold key formats and nothing else (docs/data-model.md): they import only each other, so anyone — the store, the CDK stack, a bench — can use them without pulling in the domain.',
      from: { path: '^functions/store/entities/' },
      to: { path: '^(functions|lib|local)/', pathNot: '^functions/store/entities/' },
    },
    {
      name: 'platform-is-the-floor',
      severity: 'error',
      comment: 'Env config, Powertools, errors and HTTP plumbing serve everyone and depend on no one above.',
      from: { path: '^functions/platform/' },
      to: { path: '^functions/(?!platform/|contract/)' },
    },
    {
      name: 'the-contract-imports-nothing',
      severity: 'error',
      comment:
        'The route contract (functions/contract/) is plain data below platform/, the handlers and lib/ (decision 97): it imports nothing of ours, so any of them can read it.',
      from: { path: '^functions/contract/' },
      to: { path: '^(functions|lib|local)/', pathNot: '^functions/contract/' },
    },
    {
      name: 'lambda-code-stays-deployable',
      severity: 'error',
      comment: 'What runs in Lambda never imports the local stack, tests, benchmarks or scripts.',
      from: { path: '^functions/' },
      to: { path: '^(local|test|bench|scripts)/' },
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
