export * from './edge-errors.ts';
export * from './retry-after.ts';
