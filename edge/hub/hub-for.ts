/** The hub of a set: one Durable Object per set name. Injected into the app so tests can make it fail. */
import type { EdgeEnv } from '../env.ts';
import type { ParamsHub } from './params-hub.ts';

export type HubStub = DurableObjectStub<ParamsHub>;
export type HubFor = (env: EdgeEnv, set: string) => HubStub;

export const hubForSet: HubFor = function hubForSet(env, set) {
  return env.PARAMS_HUB.get(env.PARAMS_HUB.idFromName(set));
};
