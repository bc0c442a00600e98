import type { Logger } from 'pino';

/**
 * Runs `drain` until it finds nothing, then sleeps until poked (a Postgres notification) or the
 * poll interval passes. A poke during a drain makes it go round again, so nothing waits a poll.
 */
export class Pump {
  private stopped = false;
  private dirty = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly name: string,
    private readonly drain: () => Promise<unknown>,
    private readonly logger: Logger,
    private readonly pollMs = 1_000,
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  poke(): void {
    this.dirty = true;
    this.wake?.();
  }

  /**
   * Stops after the current round, waiting at most `graceMs`: a round stuck on a slow peer (GitHub
   * retrying) must not hold up a shutdown, and leaving it is safe because every unit of work
   * commits in one transaction or not at all.
   */
  async stop(graceMs = 1_000): Promise<void> {
    this.stopped = true;
    this.wake?.();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.loop,
      new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          this.logger.warn({ pump: this.name }, `${this.name} still busy at shutdown; leaving it`);
          resolve();
        }, graceMs);
      }),
    ]);
    clearTimeout(timer);
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      this.dirty = false;
      try {
        await this.drain();
        failures = 0;
      } catch (error) {
        failures += 1;
        this.logger.error(
          { err: error, pump: this.name, failures },
          `${this.name} failed; retrying`,
        );
      }
      if (this.stopped || (this.dirty && failures === 0)) continue;
      const delay = failures === 0 ? this.pollMs : Math.min(this.pollMs * 2 ** failures, 30_000);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }
}
