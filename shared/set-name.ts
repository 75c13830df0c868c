/** Param set names: what a set tunes, usually one market (`hype-perp`, `btc-usdt`). */
import { z } from 'zod';

export const SET_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const SET_NAME_RULE = 'lowercase letters, digits and "-", starting with a letter or digit, at most 63 characters';

export const SetNameSchema = z.string().regex(SET_NAME_PATTERN, `a set name is ${SET_NAME_RULE}`);

export function isValidSetName(name: string): boolean {
  return SET_NAME_PATTERN.test(name);
}
