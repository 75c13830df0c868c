/**
 * `livetune hyperliquid order-action …` and `livetune hyperliquid sign …`: what the live venue would
 * send, printed, so an operator can compare livetune's requests with any other SDK's before trusting
 * it with a key (DESIGN "Shapes": `{ "action" }` and `{ "action", "nonce", "signature": { r, s, v } }`).
 * Both go through the venue's own builders and signer; the key is read from HYPERLIQUID_PRIVATE_KEY
 * only (a flag would show in `ps`) and never printed. The signer (viem, the SDK) is loaded only by
 * `sign`, so the rest of the CLI does not pay for it at start-up.
 */
import type { Command } from 'commander';
import { CLOID_PATTERN, orderAction, orderWire, TIFS, type Tif } from '../../engine/venue/hyperliquid/order-wire.ts';
import { commandContext, type CliDeps } from '../command-context.ts';
import { UsageError } from '../usage-error.ts';

const NETWORKS = ['mainnet', 'testnet'] as const;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

function positiveNumber(flag: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0)
    throw new UsageError(`${flag} ${JSON.stringify(text)}: expected a positive number`);
  return value;
}

function wholeNumber(flag: string, text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value))
    throw new UsageError(`${flag} ${JSON.stringify(text)}: expected a whole number ≥ 0`);
  return value;
}

function oneOf<T extends string>(flag: string, text: string, values: readonly T[]): T {
  if (!(values as readonly string[]).includes(text))
    throw new UsageError(`${flag} ${JSON.stringify(text)}: expected one of ${values.join(' | ')}`);
  return text as T;
}

interface OrderOptions {
  coin: string;
  asset: string;
  side: string;
  size: string;
  price: string;
  tif: string;
  reduceOnly?: boolean;
  cloid?: string;
}

interface SignOptions {
  action: string;
  nonce: string;
  network: string;
  vault?: string;
  expiresAfter?: string;
}

export function addHyperliquidCommand(program: Command, deps: CliDeps): void {
  const hl = program
    .command('hyperliquid')
    .description('print the Hyperliquid actions and signatures the live venue sends (for audits; always JSON)');

  hl.command('order-action')
    .description('print the order action exactly as it will be signed: { "action": {…} }')
    .requiredOption('--coin <coin>', 'the coin, e.g. HYPE (for your eyes: the action names the asset index)')
    .requiredOption('--asset <n>', "the coin's asset index in meta.universe")
    .requiredOption('--side <side>', 'buy | sell')
    .requiredOption('--size <size>', 'order size in coins')
    .requiredOption('--price <price>', 'limit price')
    .requiredOption('--tif <tif>', TIFS.join(' | '))
    .option('--reduce-only', 'reduce-only order')
    .option('--cloid <cloid>', 'client order id: 0x and 32 hex digits')
    .action((options: OrderOptions, command: Command) => {
      const ctx = commandContext(command, deps);
      if (!/^\S{1,32}$/.test(options.coin))
        throw new UsageError(`--coin ${JSON.stringify(options.coin)}: expected a coin name without spaces`);
      const side = oneOf('--side', options.side, ['buy', 'sell'] as const);
      const tif = oneOf<Tif>('--tif', options.tif, TIFS);
      if (options.cloid !== undefined && !CLOID_PATTERN.test(options.cloid))
        throw new UsageError(`--cloid ${JSON.stringify(options.cloid)}: expected 0x and 32 lower-case hex digits`);
      let wire: ReturnType<typeof orderWire>;
      try {
        wire = orderWire({
          asset: wholeNumber('--asset', options.asset),
          isBuy: side === 'buy',
          price: positiveNumber('--price', options.price),
          size: positiveNumber('--size', options.size),
          reduceOnly: options.reduceOnly === true,
          tif,
          cloid: options.cloid as `0x${string}` | undefined,
        });
      } catch (error) {
        if (error instanceof UsageError) throw error;
        throw new UsageError(`--price/--size: ${(error as Error).message}`);
      }
      ctx.outJson({ action: orderAction([wire]) });
    });

  hl.command('sign')
    .description('sign an L1 action with the key in HYPERLIQUID_PRIVATE_KEY: { "action", "nonce", "signature": { r, s, v } }')
    .requiredOption('--action <json>', 'the action, e.g. the "action" printed by order-action')
    .requiredOption('--nonce <n>', 'the nonce (ms since the epoch in real use)')
    .requiredOption('--network <network>', NETWORKS.join(' | '))
    .option('--vault <address>', 'vault or subaccount address the action is for')
    .option('--expires-after <ms>', 'expiresAfter of the action, ms since the epoch')
    .action(async (options: SignOptions, command: Command) => {
      const ctx = commandContext(command, deps);
      let action: unknown;
      try {
        action = JSON.parse(options.action);
      } catch {
        throw new UsageError('--action is not JSON: expected an object such as {"type":"scheduleCancel"}');
      }
      if (
        typeof action !== 'object' ||
        action === null ||
        Array.isArray(action) ||
        typeof (action as { type?: unknown }).type !== 'string'
      )
        throw new UsageError('--action: expected a JSON object with a "type", e.g. {"type":"scheduleCancel"}');
      const nonce = wholeNumber('--nonce', options.nonce);
      const network = oneOf('--network', options.network, NETWORKS);
      if (options.vault !== undefined && !ADDRESS.test(options.vault))
        throw new UsageError(`--vault ${JSON.stringify(options.vault)}: expected 0x and 40 hex digits`);
      const expiresAfter = options.expiresAfter === undefined ? undefined : wholeNumber('--expires-after', options.expiresAfter);
      const key = deps.io.env.HYPERLIQUID_PRIVATE_KEY;
      if (!key) throw new UsageError('HYPERLIQUID_PRIVATE_KEY is not set: expected the agent wallet key, 0x and 64 hex digits');
      const { createHyperliquidSigner, PRIVATE_KEY_PATTERN } = await import(
        '../../runner/venues/hyperliquid/hyperliquid-signer.ts'
      );
      if (!PRIVATE_KEY_PATTERN.test(key))
        throw new UsageError(`HYPERLIQUID_PRIVATE_KEY (${key.length} characters) is not accepted: expected 0x and 64 hex digits`);
      const signer = createHyperliquidSigner(key);
      const signature = await signer.sign({
        action: action as Record<string, unknown>,
        nonce,
        network,
        vaultAddress: options.vault?.toLowerCase() as `0x${string}` | undefined,
        expiresAfter,
      });
      ctx.outJson({ action, nonce, signature });
    });
}
