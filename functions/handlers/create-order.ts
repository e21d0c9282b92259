import {
  IdempotencyAlreadyInProgressError,
  IdempotencyValidationError,
} from '@aws-lambda-powertools/idempotency';
import { z } from 'zod';
import { CreateOrderRequestSchema } from '../orders/api-schemas';
import { createOrder } from '../orders/create-order';
import { createOrderIdempotently } from '../orders/idempotent-create';
import { orderResponse } from '../orders/present';
import { ConflictError, ValidationError } from '../platform/errors';
import { header, httpHandler, jsonBody, validate } from '../platform/http';
import { pagoEfectivo } from '../psp/pagoefectivo';

const IdempotencyKeySchema = z
  .string()
  .min(8)
  .max(128)
  .regex(/^[\x21-\x7e]+$/);

export const handler = httpHandler(async (event, context) => {
  // Validate first: a bad body never touches the PSP or the idempotency store.
  const body = jsonBody(event);
  const request = validate(body, CreateOrderRequestSchema);
  const idempotencyKey = header(event, 'idempotency-key');
  if (idempotencyKey === undefined) {
    const order = await createOrder(request, pagoEfectivo());
    return { status: 201, body: orderResponse(order), headers: { location: `/v1/orders/${order.id}` } };
  }
  if (!IdempotencyKeySchema.safeParse(idempotencyKey).success) {
    throw new ValidationError([
      { field: 'header.Idempotency-Key', message: 'Use 8-128 printable ASCII characters without spaces.' },
    ]);
  }
  const keyId = String(event.requestContext.authorizer?.keyId ?? 'anonymous');
  try {
    const order = await createOrderIdempotently({ keyId, idempotencyKey, body, request }, context);
    return { status: 201, body: orderResponse(order), headers: { location: `/v1/orders/${order.id}` } };
  } catch (error) {
    if (error instanceof IdempotencyValidationError) {
      throw new ConflictError(
        'idempotency_key_reused',
        'This Idempotency-Key was already used with a different body. Use a new key for a new order.',
      );
    }
    if (error instanceof IdempotencyAlreadyInProgressError) {
      throw new ConflictError(
        'idempotency_in_progress',
        'A request with this Idempotency-Key is still being processed. Retry in a few seconds.',
      );
    }
    throw error;
  }
});
