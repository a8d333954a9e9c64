import type { Logger } from "pino";
import type { RateLimiterAbstract } from "rate-limiter-flexible";
import { AppError } from "../errors.ts";
import type { MakeLimiter } from "../limiters.ts";

export type WrongCodeLimits = {
  /** Wrong typed codes a minute from all addresses together; more is a guessing burst. */
  wrongCodesPerMinute: number;
  /** During a burst, wrong codes one address may type a minute (outside one: the gateway's 30 failed handshakes). */
  wrongCodesPerIpInBurst: number;
};

/**
 * The global cap on typed pairing codes. Guessing spread over many addresses passes every per-IP
 * limit; when wrong codes from all addresses together pass `wrongCodesPerMinute`, every address is
 * held to `wrongCodesPerIpInBurst` a minute until the burst's minute ends, which slows the whole
 * burst about tenfold. A right code is never counted, and is refused only from an address that has
 * itself typed that many wrong ones this minute. Counted where the pairing store it guards lives
 * (in process, or in Redis for all nodes).
 */
export class WrongCodeGuard {
  private readonly all: RateLimiterAbstract;
  private readonly perIp: RateLimiterAbstract;

  constructor(
    private readonly limits: WrongCodeLimits,
    private readonly log: Logger,
    limiter: MakeLimiter,
  ) {
    this.all = limiter({ keyPrefix: "pair-wrong-all", points: limits.wrongCodesPerMinute, duration: 60 });
    this.perIp = limiter({ keyPrefix: "pair-wrong-ip", points: limits.wrongCodesPerIpInBurst, duration: 60 });
  }

  /** Throws RATE_LIMITED when a burst is on and this address has used its share. */
  async check(ip: string): Promise<void> {
    const all = await this.all.get("all");
    if (!all || all.consumedPoints <= this.limits.wrongCodesPerMinute) return;
    const mine = await this.perIp.get(ip);
    if (mine && mine.consumedPoints >= this.limits.wrongCodesPerIpInBurst) {
      throw new AppError("RATE_LIMITED", "Many wrong pairing codes are being tried right now; wait a minute and type the code again.", {
        retryAfterMs: mine.msBeforeNext,
      });
    }
  }

  /** Counts a wrong code from this address (and logs the start of a burst). */
  async wrong(ip: string): Promise<void> {
    await this.perIp.penalty(ip);
    const all = await this.all.penalty("all");
    if (all.consumedPoints === this.limits.wrongCodesPerMinute + 1) {
      this.log.warn(
        { wrongCodesPerMinute: this.limits.wrongCodesPerMinute, perIpInBurst: this.limits.wrongCodesPerIpInBurst, endsInMs: all.msBeforeNext },
        "pairing: burst of wrong codes from many addresses; each address is held to a few a minute until it ends",
      );
    }
  }
}
