/** The Worker's entry: the Hono app as the fetch handler, and the Durable Object classes. */
import { createApp } from './app.ts';

export { ParamsHub } from './hub/params-hub.ts';
export { WatchRelay } from './hub/watch-relay.ts';
export { SetRegistry } from './registry/set-registry.ts';

export default createApp();
