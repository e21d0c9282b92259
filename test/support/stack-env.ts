import { inject } from 'vitest';
import { resetAwsClientsForTests } from '../../functions/platform/aws';
import { resetConfigForTests } from '../../functions/platform/config';
import { resetPagoEfectivoForTests } from '../../functions/psp/pagoefectivo';

// Test workers call our code directly too: point it at the same local stack as the API.
Object.assign(process.env, inject('localStack').env);
resetConfigForTests();
resetAwsClientsForTests();
resetPagoEfectivoForTests();
