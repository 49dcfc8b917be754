import type { Clock } from '../../src/lib/clock';

/** A clock the test moves by hand. */
export class TestClock implements Clock {
  private ms: number;
  constructor(start: Date | string = '2026-11-24T12:00:00.000Z') {
    this.ms = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.ms);
  }
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}
