//! When to try again: which answers are worth retrying, and how long to wait (exponential
//! backoff with jitter, never less than the server's `Retry-After`). Pure: the caller passes the
//! current time and a random number.

use crate::time::unix_from_http_date;

/// The longest delay a Cloudflare Queue accepts for a retry (12 hours).
pub const QUEUE_MAX_DELAY_SECONDS: u32 = 12 * 60 * 60;

/// Whether a transport-level answer calls for a retry, before any destination reads it:
/// 429 and every 5xx. (Network errors and timeouts are retried too; the caller knows those.)
pub fn is_retryable_status(status: u16) -> bool {
    status == 429 || (500..=599).contains(&status)
}

/// Reads `Retry-After`: delay-seconds or an HTTP-date (RFC 9110), as seconds from `now`.
pub fn parse_retry_after(value: &str, now_unix: i64) -> Option<u32> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(seconds.min(u64::from(u32::MAX)) as u32);
    }
    let at = unix_from_http_date(value)?;
    Some(at.saturating_sub(now_unix).clamp(0, i64::from(u32::MAX)) as u32)
}

/// The backoff rule.
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
    /// The delay before the retry that follows attempt number `attempt` (1 for the first send):
    /// `base × 2^(attempt−1)`, capped, with "equal jitter" (half fixed, half random, `jitter`
    /// in [0, 1)), and at least `retry_after`.
    pub fn delay_seconds(&self, attempt: u32, retry_after: Option<u32>, jitter: f64) -> u32 {
        let exponent = attempt.saturating_sub(1).min(31);
        let backoff = u64::from(self.base_seconds).saturating_mul(1u64 << exponent).min(u64::from(self.max_seconds));
        let jitter = if jitter.is_finite() { jitter.clamp(0.0, 1.0) } else { 0.0 };
        let jittered = (backoff as f64 / 2.0 + backoff as f64 / 2.0 * jitter).round() as u64;
        let delay = jittered.max(u64::from(retry_after.unwrap_or(0)));
        delay.min(u64::from(QUEUE_MAX_DELAY_SECONDS)) as u32
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
    fn retries_429_and_5xx_only() {
        for s in [429, 500, 502, 503, 504, 599] {
            assert!(is_retryable_status(s), "{s}");
        }
        for s in [200, 201, 301, 400, 401, 404, 409, 422, 600] {
            assert!(!is_retryable_status(s), "{s}");
        }
    }

    #[test]
    fn reads_retry_after_in_both_forms() {
        assert_eq!(parse_retry_after("7", 0), Some(7));
        assert_eq!(parse_retry_after(" 120 ", 0), Some(120));
        // 784111777 is Sun, 06 Nov 1994 08:49:37 GMT (RFC 9110's example).
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111777 - 30), Some(30));
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111777 + 30), Some(0));
        assert_eq!(parse_retry_after("-1", 0), None);
        assert_eq!(parse_retry_after("soon", 0), None);
    }

    #[test]
    fn backs_off_exponentially_with_bounded_jitter() {
        let p = RetryPolicy { base_seconds: 2, max_seconds: 60, max_attempts: 5 };
        assert_eq!([1, 2, 3, 4, 5, 6, 40].map(|a| p.delay_seconds(a, None, 0.999_999)), [2, 4, 8, 16, 32, 60, 60]);
        assert_eq!([1, 2, 3, 4, 5, 6, 40].map(|a| p.delay_seconds(a, None, 0.0)), [1, 2, 4, 8, 16, 30, 30]);
        assert_eq!(p.delay_seconds(4, None, 0.5), 12);
        assert_eq!(p.delay_seconds(u32::MAX, None, f64::NAN), 30);
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
