/**
 * The CLI tests' edge is the one fake edge of the test suite (test/node/helpers/fake-edge.ts); this
 * module keeps the import path the CLI tests use.
 */
export { FAKE_LINEAGE, FakeEdge, READ_TOKEN, type RecordedRequest, startFakeEdge, WRITE_TOKEN } from '../helpers/fake-edge.ts';
