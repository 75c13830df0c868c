/**
 * The live venue's gauges on the runner's /metrics: the rate budget as we count it (so an operator
 * sees the runner slow down before the exchange throttles it) and the dead-man's switch (seconds
 * until the exchange would cancel everything; it should never get near zero while healthy).
 */
import { Gauge, type Registry } from 'prom-client';
import type { HyperliquidVenueStatus } from './hyperliquid-venue.ts';

export function registerHyperliquidMetrics(registry: Registry, status: () => HyperliquidVenueStatus, now: () => number): void {
  const registers = [registry];
  new Gauge({
    name: 'livetune_hl_ip_weight_used',
    help: 'Request weight spent in the last minute (Hyperliquid allows 1200 per IP).',
    registers,
    collect() {
      this.set(status().rate.ip_weight_used);
    },
  });
  new Gauge({
    name: 'livetune_hl_address_requests_remaining',
    help: "Requests left in the account's budget (from userRateLimit, counted locally in between; -1 unknown).",
    registers,
    collect() {
      const { address_requests_used: used, address_requests_cap: cap } = status().rate;
      this.set(used === null || cap === null ? -1 : cap - used);
    },
  });
  new Gauge({
    name: 'livetune_hl_requests_deferred',
    help: 'Requests held back because the rate budget was near its end (running total).',
    registers,
    collect() {
      this.set(status().rate.deferred);
    },
  });
  new Gauge({
    name: 'livetune_hl_throttled',
    help: 'Requests the exchange answered 429 (running total).',
    registers,
    collect() {
      this.set(status().rate.throttled);
    },
  });
  new Gauge({
    name: 'livetune_hl_dead_man_seconds_left',
    help: 'Seconds until the exchange cancels every open order unless refreshed (-1 never armed).',
    registers,
    collect() {
      const until = status().dead_man.armed_until;
      this.set(until === null ? -1 : Math.max(0, (until - now()) / 1000));
    },
  });
  new Gauge({
    name: 'livetune_hl_connected',
    help: '1 while the Hyperliquid socket is up.',
    registers,
    collect() {
      this.set(status().connected ? 1 : 0);
    },
  });
}
