import type { SQSRecord } from 'aws-lambda';
import { processNotification } from '#notifications/process-notification';
import { QueuedNotificationSchema } from '#notifications/queued-notification';
import { logger } from '#platform/powertools';
import { sqsBatchHandler } from '#platform/sqs-handler';
import { prepareNotificationParsing, pspProvider } from '#psp/index';
import { walletProvider } from '#psp/wallets';

/**
 * Each record is applied on its own; a failing record is reported in batchItemFailures so only it
 * is redelivered (and after maxReceiveCount, moved to the DLQ). A record that is not our message
 * format throws here: that is a poison message, and the DLQ is where it belongs.
 */
// `run` is the plain function behind `handler` (tests call it bare).
export async function run(record: SQSRecord): Promise<void> {
  const message = QueuedNotificationSchema.parse(JSON.parse(record.body));
  const outcome = await processNotification(message, { psp: pspProvider(), wallet: walletProvider() });
  logger.info('notification processed', {
    messageId: record.messageId,
    notificationId: message.notificationId,
    outcome,
  });
}

export const handler = sqsBatchHandler(run, {
  describe: (record) => ({
    notificationId: QueuedNotificationSchema.parse(JSON.parse(record.body)).notificationId,
  }),
});

// The stage's clients are created at init: they close the options a payment made redundant. Its
// provider's notification schemas are built now too; another provider's with its first notification.
pspProvider();
walletProvider();
prepareNotificationParsing();
