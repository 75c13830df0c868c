export * from './edge-errors.ts';
export * from './retry-after.ts';
export * from './api-client.ts';
