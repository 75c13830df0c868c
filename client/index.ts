export * from './backoff.ts';
export * from './edge-client.ts';
export * from './edge-errors.ts';
export * from './edge-request.ts';
export * from './received-version.ts';
export * from './reconnecting-socket.ts';
export * from './retry-after.ts';
export * from './watch-socket.ts';
