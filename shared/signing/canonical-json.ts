/**
 * The canonical JSON text of a value: object keys sorted by UTF-16 code units, no whitespace, numbers
 * and strings as ECMAScript's `JSON.stringify` writes them. For the values signed here (objects,
 * arrays, strings, finite numbers, booleans, null) this is RFC 8785 (JCS), so another language can
 * reproduce the bytes with a JCS library. Anything else — a non-finite number, `undefined`, a
 * function, a lone surrogate — is refused: a signature over text that two runtimes could write
 * differently would fail for the honest writer, not the attacker.
 */

// A lone surrogate: JSON.stringify escapes it, JCS refuses it; we refuse it too.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/u;

function fail(path: string, what: string): never {
  throw new TypeError(`canonical JSON: ${path} is ${what}; expected an object, array, string, finite number, boolean or null`);
}

function write(value: unknown, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) fail(path, String(value));
      // JSON.stringify writes -0 as 0 and every other number in ECMAScript's shortest form (JCS §3.2.2.3).
      return JSON.stringify(value);
    case 'string':
      if (LONE_SURROGATE.test(value)) fail(path, 'a string with a lone surrogate');
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((item, i) => write(item, `${path}[${i}]`)).join(',')}]`;
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).filter((key) => record[key] !== undefined);
      // Default sort compares UTF-16 code units, which is what JCS asks for.
      keys.sort();
      return `{${keys.map((key) => `${write(key, `${path}.${key}`)}:${write(record[key], `${path}.${key}`)}`).join(',')}}`;
    }
    default:
      return fail(path, typeof value);
  }
}

/** Throws a `TypeError` naming the path of a value that has no canonical form. */
export function canonicalJson(value: unknown): string {
  return write(value, '$');
}
