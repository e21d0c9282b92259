import { inject } from 'vitest';
import { resetAwsClientsForTests } from '#platform/aws';
import { resetConfigForTests } from '#platform/config';
import { resetPagoEfectivoForTests } from '#psp/pagoefectivo/index';

// Test workers call our code directly too: point it at the same local stack as the API.
Object.assign(process.env, inject('localStack').env);
resetConfigForTests();
resetAwsClientsForTests();
resetPagoEfectivoForTests();
