// How `switchboard serve` drains on SIGTERM, from the environment: how long it keeps serving
// with readiness failing (so the load balancer notices), and how long in-flight requests then
// get before their connections are cut. Never reads anything but the two variables.
import { ConfigError } from '../core/config-error.js';

export interface DrainSettings {
  drainDelayMs: number;
  graceMs: number;
}

/** Together under Kubernetes' default terminationGracePeriodSeconds (30 s), with room to flush usage. */
export const DEFAULT_DRAIN_SETTINGS: DrainSettings = { drainDelayMs: 5_000, graceMs: 20_000 };

/** On loopback no load balancer routes to us, so nothing needs to notice readiness: no delay by default. */
export function readDrainSettings(env: NodeJS.ProcessEnv, behindLoadBalancer: boolean): DrainSettings {
  return {
    drainDelayMs: secondsFrom(env, 'SWITCHBOARD_DRAIN_DELAY_SECONDS', behindLoadBalancer ? DEFAULT_DRAIN_SETTINGS.drainDelayMs : 0),
    graceMs: secondsFrom(env, 'SWITCHBOARD_SHUTDOWN_GRACE_SECONDS', DEFAULT_DRAIN_SETTINGS.graceMs),
  };
}

function secondsFrom(env: NodeJS.ProcessEnv, name: string, fallbackMs: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallbackMs;
  const seconds = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || !Number.isFinite(seconds) || seconds > 3600) {
    throw new ConfigError(name, undefined, `"${raw}" must be a number of seconds from 0 to 3600`);
  }
  return Math.round(seconds * 1000);
}
