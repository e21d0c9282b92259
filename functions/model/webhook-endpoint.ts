import type { EventType } from './event-types';

/**
 * A marketplace's outbound webhook endpoint and its delivery attempts as the use cases and the
 * store hold them, declared on their own; test/unit/domain-types.test.ts checks that the API
 * schemas (outbound-webhooks/schemas.ts) describe exactly these.
 */
export type WebhookEndpoint = {
  id: string;
  url: string;
  description?: string | undefined;
  events: EventType[];
  status: 'enabled' | 'disabled';
  disabledReason?: string | undefined;
  createdAt: string;
  failingSince?: string | undefined;
  lastSuccessAt?: string | undefined;
  previousSecretExpiresAt?: string | undefined;
};

export interface StoredSecret {
  secret: string;
  createdAt: string;
  /** Set on the previous secret by a rotation: it keeps signing until then. */
  expiresAt?: string;
}

/** The endpoint as stored: with its signing secrets, never shown but at create and rotation. */
export interface StoredEndpoint extends WebhookEndpoint {
  secrets: StoredSecret[];
  /** How often it was disabled for failing: numbers each `webhook_endpoint.disabled` event. */
  disabledCount?: number;
}

/** What the marketplace may change of its endpoint (`PATCH`); `enabled` pauses or re-enables it. */
export interface EndpointChanges {
  url?: string | undefined;
  events?: EventType[] | undefined;
  description?: string | undefined;
  enabled?: boolean | undefined;
}

export type DeliveryAttempt = {
  eventId: string;
  eventType: EventType;
  attempt: number;
  at: string;
  outcome: 'delivered' | 'failed' | 'gave_up' | 'endpoint_gone';
  statusCode: number | null;
  durationMs: number;
  error?: string | undefined;
  nextAttemptAt?: string | undefined;
};

/** The secrets that sign right now: the current one, plus the previous one during a rotation overlap. */
export function signingSecrets(endpoint: StoredEndpoint, now: Date): string[] {
  const at = now.toISOString();
  return endpoint.secrets
    .filter((secret) => secret.expiresAt === undefined || secret.expiresAt > at)
    .map((s) => s.secret);
}
