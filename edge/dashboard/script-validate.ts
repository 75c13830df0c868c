/**
 * Browser code (as text): validation of a params document (or a patch of one) against the JSON
 * Schema the edge serves at /v1/schema, before anything is sent. It covers the keywords that schema
 * uses: object type, additionalProperties: false (a typo must not silently do nothing), per-key
 * type, minimum, maximum, exclusiveMinimum, exclusiveMaximum and enum. The edge validates again
 * with the zod schema itself; its 422 field list is shown when it disagrees.
 */
export const SCRIPT_VALIDATE = String.raw`
/** "a finite number in [0, 2]", "a finite number > 0", "one of "active" | "halted"" (as the edge says it). */
function describeExpected(s) {
  if (Array.isArray(s.enum)) return 'one of ' + s.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (s.type !== 'number' && s.type !== 'integer') return 'a ' + (s.type || 'valid') + ' value';
  const lo = typeof s.minimum === 'number' ? s.minimum : s.exclusiveMinimum;
  const hi = typeof s.maximum === 'number' ? s.maximum : s.exclusiveMaximum;
  const loOpen = typeof s.exclusiveMinimum === 'number';
  const hiOpen = typeof s.exclusiveMaximum === 'number';
  const what = s.type === 'integer' ? 'an integer' : 'a finite number';
  if (typeof lo === 'number' && typeof hi === 'number') return what + ' in ' + (loOpen ? '(' : '[') + lo + ', ' + hi + (hiOpen ? ')' : ']');
  if (typeof lo === 'number') return what + ' ' + (loOpen ? '>' : '≥') + ' ' + lo;
  if (typeof hi === 'number') return what + ' ' + (hiOpen ? '<' : '≤') + ' ' + hi;
  return what;
}

function valueFits(value, s) {
  if (Array.isArray(s.enum) && !s.enum.includes(value)) return false;
  if (s.type === 'number' || s.type === 'integer') {
    if (typeof value !== 'number' || !Number.isFinite(value)) return false;
    if (s.type === 'integer' && !Number.isInteger(value)) return false;
    if (typeof s.minimum === 'number' && value < s.minimum) return false;
    if (typeof s.exclusiveMinimum === 'number' && value <= s.exclusiveMinimum) return false;
    if (typeof s.maximum === 'number' && value > s.maximum) return false;
    if (typeof s.exclusiveMaximum === 'number' && value >= s.exclusiveMaximum) return false;
    return true;
  }
  if (s.type === 'string') return typeof value === 'string';
  if (s.type === 'boolean') return typeof value === 'boolean';
  return true;
}

function shown(value) {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return JSON.stringify(value);
}

/** Issues in the edge's shape: [{ field, value, expected, message }]; empty when the document is valid. */
function validateDocument(doc, schema) {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    return [{ field: '(document)', value: doc, expected: 'a JSON object of params', message: 'the document must be a JSON object of params' }];
  }
  const props = (schema && schema.properties) || {};
  const issues = [];
  for (const [key, value] of Object.entries(doc)) {
    const s = Object.hasOwn(props, key) ? props[key] : null;
    if (!s) {
      if (schema.additionalProperties === false) {
        const expected = 'one of the known keys: ' + Object.keys(props).join(', ');
        issues.push({ field: key, value, expected, message: 'unknown key "' + key + '": expected ' + expected });
      }
      continue;
    }
    if (!valueFits(value, s)) {
      const expected = describeExpected(s);
      issues.push({ field: key, value, expected, message: key + ' = ' + shown(value) + ' is not accepted: expected ' + expected });
    }
  }
  return issues;
}

/** Reads a form input for a schema property: numbers must be plain decimal notation, anything else stays text (and fails). */
function parseInput(raw, s) {
  const text = String(raw).trim();
  if (s.type === 'number' || s.type === 'integer') {
    return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text) ? Number(text) : text;
  }
  return text;
}
`;
