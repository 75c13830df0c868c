import { describe } from 'vitest';
import { registerSigningVectorChecks } from '../../helpers/signing-vector-checks.ts';

describe('signing vectors (Node)', () => {
  registerSigningVectorChecks();
});
