// A token bucket, the browser's mirror of draw/ratelimit.py: `rate` units a second on
// average, bursts up to `burst`. Pure: the time (milliseconds) comes in with every call.

export class TokenBucket {
  constructor(rate, burst, now) {
    this.rate = rate;
    this.burst = burst;
    this.tokens = burst;
    this.updated = now;
  }

  refill(now) {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updated) / 1000) * this.rate);
    this.updated = now;
  }

  /** Spend `amount` if the bucket holds it; false (and spend nothing) if not. */
  take(amount, now) {
    this.refill(now);
    if (amount > this.tokens) return false;
    this.tokens -= amount;
    return true;
  }

  /** Spend `amount` even past empty: what is owed must refill before anything else goes. */
  charge(amount, now) {
    this.refill(now);
    this.tokens -= amount;
  }

  /** Milliseconds until `amount` could be taken (0: now); never longer than a full refill. */
  wait(amount, now) {
    this.refill(now);
    const missing = Math.min(amount, this.burst) - this.tokens;
    return missing > 0 ? Math.ceil((missing / this.rate) * 1000) : 0;
  }
}
