import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VersionSchema } from '../../shared/api.ts';
import { validateParams } from '../../shared/validate-params.ts';
import { paramsDocumentArbitrary } from '../node/shared/params-arbitrary.ts';
import { call, createSet, freshSet, putPolicy } from './helpers.ts';

describe('the edge accepts exactly what the shared schema accepts', () => {
  it('for random documents, a PUT succeeds iff the schema accepts, and reads back the parsed document', async () => {
    const set = freshSet('prop');
    await createSet(set);
    // The set policy is not what this property is about: caps above anything generated, and every
    // write forced past the step limit.
    expect((await putPolicy(set, { max_order_size: 1e12, max_max_position: 1e12 })).status).toBe(200);
    let head = 1;
    await fc.assert(
      fc.asyncProperty(paramsDocumentArbitrary, async (doc) => {
        const wire = JSON.stringify({ params: doc, message: 'property', force: { message: 'random sizes' } });
        // What the edge receives: JSON turns NaN/Infinity into null and drops nothing else.
        const received = (JSON.parse(wire) as { params: unknown }).params;
        const expected = validateParams(received);
        const res = await call('PUT', `/v1/sets/${set}/params`, { body: wire, headers: { 'If-Match': '*' } });
        if (expected.ok) {
          expect(res.status).toBe(200);
          // A document equal to the head's is a write that changes nothing: no version.
          if (res.headers.get('Livetune-Unchanged') !== 'true') head += 1;
          const read = VersionSchema.parse(await (await call('GET', `/v1/sets/${set}/params`)).json());
          expect(read.version).toBe(head);
          expect(read.params).toEqual(expected.params);
        } else {
          expect(res.status).toBe(422);
          await res.body?.cancel();
          const read = VersionSchema.parse(await (await call('GET', `/v1/sets/${set}/params`)).json());
          expect(read.version).toBe(head);
        }
      }),
      { numRuns: 60 },
    );
  });
});
