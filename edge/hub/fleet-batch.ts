/**
 * What a watch relay sends its set's hub (`ParamsHub.fleetBatch`): the fleet events its sockets
 * said (one token per relay), and the refusals it decided itself since the last batch.
 */
import type { FleetEvent } from './fleet-update.ts';

export interface FleetBatchItem {
  /** The socket it came from (a refused item counts against that socket). */
  socketId: string;
  runnerId: string;
  event: FleetEvent;
}

export interface FleetBatch {
  token: string;
  items: FleetBatchItem[];
  refusals: { rate_limited: number; sockets_closed: number };
}

export type FleetBatchVerdict = 'recorded' | 'rate_limited' | 'invalid';
