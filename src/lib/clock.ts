/** Injectable time source, so expiry and grace windows are testable without waiting. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export const epochSeconds = (d: Date): number => Math.floor(d.getTime() / 1000);
