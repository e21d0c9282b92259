import { Validations } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { type Stage, type StageConfig, walletProviderOf } from '../stage-config';
import { StackPart } from './stack-part';

/**
 * The stage's secrets and the key that encrypts them. Created with placeholder values: the
 * operator writes the real merchant credentials once (README: "Secrets to create"). Nothing
 * secret ever appears in the template.
 */
export class Credentials extends StackPart {
  readonly pspSecret: Secret;
  /** Encrypts pspSecret; the functions that read the secret are granted Decrypt through Secrets Manager only. */
  readonly pspSecretKey: Key;
  /** Seals the API's listing cursors ({"key"}; functions/platform/sealed-cursor.ts, decision 76). */
  readonly cursorKeySecret: Secret;
  /** dLocal's merchant credentials, in stages whose provider is dLocal (same key). */
  readonly dlocalSecret: Secret | undefined;
  /**
   * Culqi's secret key (and the webhook's optional basic-auth pair), in stages whose wallet
   * provider is Culqi (same key): `{"secretKey","webhookUser"?,"webhookPassword"?}`.
   */
  readonly culqiSecret: Secret | undefined;

  constructor(scope: Construct, id: string, props: { stage: Stage; config: StageConfig }) {
    super(scope, id);
    const { stage, config } = props;
    // Its own key: only roles granted this secret (the PSP-calling functions) may decrypt it,
    // and every use is in CloudTrail under this key rather than the account-wide default.
    this.pspSecretKey = new Key(this, 'PagoEfectivoCredentialsKey', {
      description: `Encrypts the PagoEfectivo merchant credentials (${stage})`,
      enableKeyRotation: true,
      removalPolicy: config.data.removalPolicy,
    });
    this.pspSecret = new Secret(this, 'PagoEfectivoCredentials', {
      secretName: `pagoefectivo/${stage}/merchant-credentials`,
      encryptionKey: this.pspSecretKey,
      description: 'PagoEfectivo merchant credentials: {"serviceId","accessKey","secretKey"}',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ serviceId: '0000', accessKey: 'set-me' }),
        generateStringKey: 'secretKey',
      },
      removalPolicy: config.data.removalPolicy,
    });
    Validations.of(this.pspSecret).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SMG4',
      reason:
        'PagoEfectivo issues these credentials; they cannot be rotated by a Lambda. Rotation is a manual runbook step.',
    });

    // Generated at deploy (never in the template); read by the API functions only when a listing
    // cursor comes in or goes out. Its own value, not the PSP's: a cursor leak proves nothing about those.
    this.cursorKeySecret = new Secret(this, 'CursorKey', {
      secretName: `pagoefectivo/${stage}/cursor-key`,
      encryptionKey: this.pspSecretKey,
      description: 'Seals the API listing cursors for their caller: {"key"}',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({}),
        generateStringKey: 'key',
        passwordLength: 64,
        excludePunctuation: true,
      },
      removalPolicy: config.data.removalPolicy,
    });
    Validations.of(this.cursorKeySecret).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SMG4',
      reason:
        'Rotating it only ends the cursors clients hold (they start that listing again): a manual put-secret-value when wanted, no rotation Lambda.',
    });

    this.dlocalSecret =
      config.psp.provider === 'dlocal'
        ? new Secret(this, 'DlocalCredentials', {
            secretName: `pagoefectivo/${stage}/dlocal-credentials`,
            encryptionKey: this.pspSecretKey,
            description: 'dLocal merchant credentials: {"login","transKey","secretKey"}',
            generateSecretString: {
              secretStringTemplate: JSON.stringify({ login: 'set-me', transKey: 'set-me' }),
              generateStringKey: 'secretKey',
            },
            removalPolicy: config.data.removalPolicy,
          })
        : undefined;
    // The placeholder key is refused by Culqi (401): until the operator writes the real one, a
    // wallet asked for shows `unavailable` and the order goes on with cash (decision 104).
    this.culqiSecret =
      walletProviderOf(config) === 'culqi'
        ? new Secret(this, 'CulqiCredentials', {
            secretName: `pagoefectivo/${stage}/culqi-credentials`,
            encryptionKey: this.pspSecretKey,
            description:
              'Culqi secret key and optional webhook basic auth: {"secretKey","webhookUser"?,"webhookPassword"?}',
            generateSecretString: {
              secretStringTemplate: JSON.stringify({}),
              generateStringKey: 'secretKey',
              excludePunctuation: true,
            },
            removalPolicy: config.data.removalPolicy,
          })
        : undefined;
    if (this.culqiSecret) {
      Validations.of(this.culqiSecret).acknowledge({
        id: 'AwsSolutions::AwsSolutions-SMG4',
        reason:
          'Culqi issues the secret key in CulqiPanel; a Lambda cannot rotate it. Rotation is a manual runbook step.',
      });
    }
    if (this.dlocalSecret) {
      Validations.of(this.dlocalSecret).acknowledge({
        id: 'AwsSolutions::AwsSolutions-SMG4',
        reason:
          'dLocal issues these credentials; they cannot be rotated by a Lambda. Rotation is a manual runbook step.',
      });
    }
  }
}
