//! How long a delivery waits in the queue before its next attempt. What each answer means
//! (retry or not, `Retry-After`) is the core engine's (`destination::deliver`); this is the
//! Queue's side of it: the engine's backoff with the Worker's longer steps, in seconds, within
//! the longest delay a Queue accepts.

use loyalty_connector::engine::Backoff;

/// The longest delay a Cloudflare Queue accepts for a retry (12 hours).
pub const QUEUE_MAX_DELAY_SECONDS: u32 = 12 * 60 * 60;

/// The backoff rule (`RETRY_BASE_SECONDS`, `RETRY_MAX_SECONDS`, `MAX_ATTEMPTS`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The first retry's delay; each further retry doubles it.
    pub base_seconds: u32,
    /// The longest backoff (a larger `Retry-After` is still honoured, up to the queue's limit).
    pub max_seconds: u32,
    /// Attempts (sends) after which a retryable failure becomes final.
    pub max_attempts: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy { base_seconds: 2, max_seconds: 600, max_attempts: 10 }
    }
}

impl RetryPolicy {
    fn backoff(&self) -> Backoff {
        Backoff {
            base_ms: u64::from(self.base_seconds) * 1000,
            max_ms: u64::from(self.max_seconds) * 1000,
            max_attempts: self.max_attempts,
            max_rate_limited_ms: u64::MAX,
            max_retry_after_ms: u64::from(QUEUE_MAX_DELAY_SECONDS) * 1000,
        }
    }

    /// The delay before the retry that follows attempt number `attempt` (1 for the first send):
    /// the engine's `base × 2^(attempt−1)`, capped, half of it scaled by `jitter` in [0, 1), and
    /// at least `retry_after`.
    pub fn delay_seconds(&self, attempt: u32, retry_after: Option<u32>, jitter: f64) -> u32 {
        let ms = self.backoff().delay_ms(attempt, retry_after.map(u64::from), jitter);
        u32::try_from(ms.div_ceil(1000)).unwrap_or(u32::MAX).min(QUEUE_MAX_DELAY_SECONDS)
    }

    /// Whether attempt number `attempt` was the last one allowed.
    pub fn exhausted(&self, attempt: u32) -> bool {
        attempt >= self.max_attempts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backs_off_exponentially_with_bounded_jitter() {
        let p = RetryPolicy { base_seconds: 2, max_seconds: 60, max_attempts: 5 };
        assert_eq!([1, 2, 3, 4, 5, 6, 40].map(|a| p.delay_seconds(a, None, 0.999_999)), [2, 4, 8, 16, 32, 60, 60]);
        assert_eq!([1, 2, 3, 4, 5, 6, 40].map(|a| p.delay_seconds(a, None, 0.0)), [1, 2, 4, 8, 16, 30, 30]);
        assert_eq!(p.delay_seconds(4, None, 0.5), 12);
        assert_eq!(p.delay_seconds(u32::MAX, None, f64::NAN), 60, "not a number: the full backoff");
    }

    #[test]
    fn never_retries_sooner_than_retry_after() {
        let p = RetryPolicy { base_seconds: 2, max_seconds: 60, max_attempts: 5 };
        assert_eq!(p.delay_seconds(1, Some(45), 0.0), 45);
        assert_eq!(p.delay_seconds(5, Some(3), 1.0), 32);
        assert_eq!(p.delay_seconds(1, Some(u32::MAX), 0.0), QUEUE_MAX_DELAY_SECONDS);
    }

    #[test]
    fn gives_up_after_the_last_attempt() {
        let p = RetryPolicy { base_seconds: 1, max_seconds: 1, max_attempts: 3 };
        assert_eq!([1, 2, 3, 4].map(|a| p.exhausted(a)), [false, false, true, true]);
    }
}
