import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { createProductApp } from '#lib/product-app';
import { FUNCTIONS } from '#lib/topology';

/**
 * CloudFormation replaces a resource whose logical id changes: for the table, a queue or a secret
 * that is their data gone (deletion protection only turns it into a failed deploy). The constructs
 * of lib/ are StackParts (lib/constructs/stack-part.ts), which leave their own ids out of the
 * logical ids below them; these are the ids every stage has been deployed with, pinned.
 */
const root = mkdtempSync(join(tmpdir(), 'logical-ids-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Placeholder bundles: logical ids do not depend on the code. */
const bundles = join(root, 'bundles');
for (const name of Object.keys(FUNCTIONS)) {
  mkdirSync(join(bundles, name), { recursive: true });
  writeFileSync(join(bundles, name, 'index.mjs'), 'export const handler = async () => ({});\n');
}
const { stage: _stage, ...featureFlags } = JSON.parse(readFileSync('cdk.json', 'utf8')).context as Record<
  string,
  unknown
>;
// Prod with dLocal: every stateful resource any stage has (dLocal's secret included).
const product = createProductApp(
  'prod',
  bundles,
  new App({
    outdir: join(root, 'out'),
    context: { ...featureFlags, alarmEmails: 'oncall@example.pe', provider: 'dlocal' },
  }),
);
const typesById = (template: Template) =>
  Object.fromEntries(
    Object.entries(template.toJSON().Resources as Record<string, { Type: string }>).map(([id, resource]) => [
      id,
      resource.Type,
    ]),
  );

describe('CloudFormation logical ids', () => {
  it('of every stateful resource are those the stages were deployed with', () => {
    expect(typesById(Template.fromStack(product.stateful))).toEqual({
      TableCD117FA1: 'AWS::DynamoDB::Table',
      RawNotifications0034C082: 'AWS::DynamoDB::Table',
      paymentnotificationsdlqA5A463F3: 'AWS::SQS::Queue',
      paymentnotificationsdlqPolicyE402C66C: 'AWS::SQS::QueuePolicy',
      paymentnotificationsA49BC035: 'AWS::SQS::Queue',
      paymentnotificationsPolicy14CA713C: 'AWS::SQS::QueuePolicy',
      webhookdeliveriesdlqB3CF2481: 'AWS::SQS::Queue',
      webhookdeliveriesdlqPolicy18922603: 'AWS::SQS::QueuePolicy',
      webhookdeliveries0F531C46: 'AWS::SQS::Queue',
      webhookdeliveriesPolicyB0ED9E2D: 'AWS::SQS::QueuePolicy',
      jobsdlq3A559C53: 'AWS::SQS::Queue',
      jobsdlqPolicyC28F2D75: 'AWS::SQS::QueuePolicy',
      EventBus7B8748AA: 'AWS::Events::EventBus',
      EventBusArchive52248A77: 'AWS::Events::Archive',
      streamfailures89A78D51: 'AWS::SQS::Queue',
      streamfailuresPolicy3323C6CA: 'AWS::SQS::QueuePolicy',
      PagoEfectivoCredentialsKeyE8BA2D42: 'AWS::KMS::Key',
      PagoEfectivoCredentials84F60999: 'AWS::SecretsManager::Secret',
      CursorKey255E8F8A: 'AWS::SecretsManager::Secret',
      DlocalCredentials66D6C2CD: 'AWS::SecretsManager::Secret',
      SettlementReportsAD5CFE60: 'AWS::S3::Bucket',
      SettlementReportsPolicy7B72DA40: 'AWS::S3::BucketPolicy',
      // The console's people (lib/constructs/console-user-pool.ts, a plain construct: its id is in these).
      ConsoleUsersPeople69F97DA2: 'AWS::Cognito::UserPool',
      ConsoleUsersPeopleGroupadmin8ABA5333: 'AWS::Cognito::UserPoolGroup',
      ConsoleUsersPeopleGroupfinance442E28BB: 'AWS::Cognito::UserPoolGroup',
      ConsoleUsersPeopleGroupseller92FCFB72: 'AWS::Cognito::UserPoolGroup',
      ConsoleUsersPeopleGroupsupport394834B1: 'AWS::Cognito::UserPoolGroup',
      ConsoleUsersPeoplePreTokenGenerationConfigCognitoD6196068: 'AWS::Lambda::Permission',
      ConsoleUsersPreTokenGeneration749C5F6B: 'AWS::Lambda::Function',
      ConsoleUsersPreTokenGenerationLogsCF0861B4: 'AWS::Logs::LogGroup',
      ConsoleUsersPreTokenGenerationServiceRole68E28407: 'AWS::IAM::Role',
    });
  });

  it('of the service resources whose replacement a client or the data would notice', () => {
    // A new API is a new URL; a new stream mapping reads the stream again from its trim horizon;
    // a new schedule or rule may run twice while the old one goes.
    expect(typesById(Template.fromStack(product.service))).toEqual(
      expect.objectContaining({
        ApiF70053CD: 'AWS::ApiGateway::RestApi',
        ApiDeploymentStageprod3EB9684E: 'AWS::ApiGateway::Stage',
        ApiClientUsagePlanF951BB8F: 'AWS::ApiGateway::UsagePlan',
        ApiKeyAuthorizerD0BEAC37: 'AWS::ApiGateway::Authorizer',
        EdgeWebAcl8DEA6539: 'AWS::WAFv2::WebACL',
        applypaymentFunctionSqsEventSourcePagoEfectivoprodStatefulpaymentnotifications35231C23CFCBB537:
          'AWS::Lambda::EventSourceMapping',
        dispatcheventsFunctionDynamoDBEventSourcePagoEfectivoprodStatefulTableDC5B377647C828CF:
          'AWS::Lambda::EventSourceMapping',
        deliverwebhooksFunctionSqsEventSourcePagoEfectivoprodStatefulwebhookdeliveries57A48E0BC8B85934:
          'AWS::Lambda::EventSourceMapping',
        syncpendingschedule2684B5C5: 'AWS::Scheduler::Schedule',
        expireordersschedule2C63D8A9: 'AWS::Scheduler::Schedule',
        checkunsettledschedule96865A10: 'AWS::Scheduler::Schedule',
        createpayoutsschedule62490E0C: 'AWS::Scheduler::Schedule',
        remindexpiringschedule3A84CBC1: 'AWS::Scheduler::Schedule',
        ledgerintegrityscheduleAE3C043E: 'AWS::Scheduler::Schedule',
        settlementreportuploadedDE180662: 'AWS::Events::Rule',
        AlarmsTopic3A2DFEBA: 'AWS::SNS::Topic',
        moneyatrisk8AE4E862: 'AWS::CloudWatch::CompositeAlarm',
        Dashboard9E4231ED: 'AWS::CloudWatch::Dashboard',
      }),
    );
  });

  it('named after another construct (invoke permissions, the authorizer) are those of before', () => {
    const ids = Object.keys(typesById(Template.fromStack(product.service)));
    // CDK names these after the API's, the queue's or the authorizer's path: none may mention a StackPart.
    expect(
      ids.filter((id) => /ServiceServiceApi|Monitoring|JobTriggers|Messaging|StatefulTables/.test(id)),
    ).toEqual([]);
    expect(ids).toEqual(
      expect.arrayContaining([
        'authorizerFunctionPagoEfectivoprodServiceApiKeyAuthorizer7E9FA088PermissionsB73391BB',
        'Apiv1ordersPOSTApiPermissionPagoEfectivoprodServiceApi94CD0A19POSTv1orders2B69929F',
      ]),
    );
  });
});
