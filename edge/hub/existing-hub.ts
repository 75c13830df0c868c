/**
 * The hub of a set that exists — asked before a read addresses a hub, because addressing a Durable
 * Object creates it: even a hub that never touches its storage leaves a SQLite database behind
 * (locally under `.wrangler/state`, in production an object), so 200 reads of made-up set names
 * would create 200 of them. A read of a set that does not exist must create nothing.
 *
 * The `SetRegistry` knows every set whose creation was acknowledged (a hub registers before it
 * answers its first write). When it says no, KV is asked for any version key of the set: a hub
 * whose registration failed (the registry hung; its alarm retries) has written one before committing
 * its first version. A set once seen stays known in this isolate (sets are never deleted), so this
 * costs a registry call once per set and isolate, plus one per read of an unknown name. If the
 * registry itself fails, the read goes to the hub anyway: a runner must still get the kill switch.
 */
import type { EdgeEnv } from '../env.ts';
import { notFound } from '../errors/api-error.ts';
import { versionKeyPrefix } from '../kv-keys.ts';
import { log } from '../log.ts';
import type { HubFor, HubStub } from './hub-for.ts';

/** Set names this isolate has seen exist; bounded (forgetting costs one registry call). */
const MAX_KNOWN = 10_000;
const known = new Set<string>();

/** What the check needs of the registry. */
export type SetExists = (env: EdgeEnv, set: string) => Promise<boolean>;

export const askRegistry: SetExists = async function askRegistry(env, set) {
  if (await env.SET_REGISTRY.get(env.SET_REGISTRY.idFromName('registry')).has(set)) return true;
  return (await env.VERSIONS.list({ prefix: versionKeyPrefix(set), limit: 1 })).keys.length > 0;
};

/** True when the set exists (or when that cannot be told: the registry failed). */
export async function setExists(env: EdgeEnv, set: string, exists: SetExists = askRegistry): Promise<boolean> {
  if (known.has(set)) return true;
  let found: boolean;
  try {
    found = await exists(env, set);
  } catch (error) {
    log.error('registry_unreachable', { set, error: String(error) });
    return true;
  }
  if (found) {
    if (known.size >= MAX_KNOWN) known.clear();
    known.add(set);
  }
  return found;
}

/** The set's hub, or a 404 thrown before any hub is addressed. */
export async function existingHub(env: EdgeEnv, set: string, hubFor: HubFor): Promise<HubStub> {
  if (!(await setExists(env, set))) throw notFound(`set "${set}" does not exist`);
  return hubFor(env, set);
}
