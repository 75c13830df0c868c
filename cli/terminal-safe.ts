/**
 * The one gate between text we did not write (runner ids, regions, version messages, rejection
 * reasons, error messages — anything an edge, a proxy or a runner's token can put there) and a
 * terminal. A terminal obeys control characters: `ESC [2J` clears the screen, `ESC ]0;…BEL` retitles
 * the window, `ESC [8m` hides what follows, a newline forges a table row, a bidi override (U+202E)
 * shows text backwards. Every byte of terminal output of the CLI and of `npm start`'s live view goes
 * through `terminalSafe`, which shows such characters visibly instead (`\x1b`, `\u202e`).
 *
 * Modes:
 * - `'line'`: one cell or one value on one line — every control character escaped, newlines too.
 * - `'text'`: our own multi-line output (tables, messages, help) — newlines kept, the rest escaped.
 * - `'json'`: text produced by `JSON.stringify` — the characters `JSON.stringify` leaves raw (DEL,
 *   C1, bidi controls, line separators) become `\uXXXX` escapes, so the output is still exact JSON
 *   (it parses to the same value) and safe to print. Such characters can only occur inside JSON
 *   strings, where `\uXXXX` means the same character.
 */

/** C0 (U+0000–U+001F), DEL and C1 (U+007F–U+009F), ALM, LRM/RLM, bidi embeddings/overrides/isolates, line/paragraph separators. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is what this module is for
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** The same without `\n` (and, since `'text'` is our own layout, nothing else is kept). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is what this module is for
const UNSAFE_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** What `JSON.stringify` leaves raw among the above (it escapes C0 itself). */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export type TerminalSafeMode = 'line' | 'text' | 'json';

function hex(code: number, digits: number): string {
  return code.toString(16).padStart(digits, '0');
}

/** `\x1b` for a code below U+0100, `\u202e` above: what a JavaScript or C string would write. */
function visible(char: string): string {
  const code = char.charCodeAt(0);
  return code < 0x100 ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`;
}

function jsonEscape(char: string): string {
  return `\\u${hex(char.charCodeAt(0), 4)}`;
}

/** `text` with every terminal control character made visible (see the module comment for `mode`). */
export function terminalSafe(text: string, mode: TerminalSafeMode = 'line'): string {
  switch (mode) {
    case 'line':
      return text.replace(UNSAFE, visible);
    case 'text':
      return text.replace(UNSAFE_BUT_NEWLINE, visible);
    case 'json':
      return text.replace(UNSAFE_IN_JSON, jsonEscape);
  }
}
