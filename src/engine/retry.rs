//! How long to wait before sending a request again, and when to stop trying. Pure: the caller
//! passes the current time and a random number.

/// Exponential backoff with "equal jitter", attempt caps and the server's `Retry-After`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    /// The first retry's delay before jitter; each further retry doubles it.
    pub base_ms: u64,
    /// The longest backoff before jitter.
    pub max_ms: u64,
    /// Sends of one request after which a retryable failure is final (429s are not counted:
    /// a 429 is the server saying when to come back, not a failure).
    pub max_attempts: u32,
    /// The most one request waits on 429s in all before its last 429 is final.
    pub max_rate_limited_ms: u64,
    /// The longest `Retry-After` honoured (a larger one is cut to this).
    pub max_retry_after_ms: u64,
}

impl Backoff {
    /// The delay before retry number `retry` (1 for the first): `base × 2^(retry−1)` capped at
    /// `max_ms`, half of it fixed and half scaled by `jitter` in [0, 1] (1: the full backoff),
    /// and never less than `retry_after` seconds (itself capped at `max_retry_after_ms`).
    pub fn delay_ms(&self, retry: u32, retry_after: Option<u64>, jitter: f64) -> u64 {
        let exponent = retry.saturating_sub(1).min(40);
        let backoff = self.base_ms.saturating_mul(1u64 << exponent).min(self.max_ms);
        let jitter = if jitter.is_finite() { jitter.clamp(0.0, 1.0) } else { 1.0 };
        let half = backoff / 2;
        let jittered = half + ((backoff - half) as f64 * jitter).round() as u64;
        let server = retry_after.map_or(0, |s| s.saturating_mul(1000).min(self.max_retry_after_ms));
        jittered.max(server)
    }
}

/// Reads `Retry-After`: delay-seconds or an HTTP-date (RFC 9110), as seconds from `now_unix`.
pub fn parse_retry_after(value: &str, now_unix: i64) -> Option<u64> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(value.parse::<u64>().unwrap_or(u64::MAX));
    }
    let at = unix_from_http_date(value)?;
    Some(at.saturating_sub(now_unix).max(0) as u64)
}

fn number(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) as Unix seconds.
pub fn unix_from_http_date(s: &str) -> Option<i64> {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let parts: Vec<&str> = s.split(' ').collect();
    let [_weekday, day, month, year, clock, "GMT"] = parts.as_slice() else { return None };
    let month = MONTHS.iter().position(|m| m == month)? as u32 + 1;
    let (day, year) = (number(day)?, number(year)?);
    if day == 0 || day > days_in_month(year, month) || clock.len() != 8 {
        return None;
    }
    let (h, m, sec) = (number(clock.get(0..2)?)?, number(clock.get(3..5)?)?, number(clock.get(6..8)?)?);
    if h > 23 || m > 59 || sec > 60 || clock.get(2..3) != Some(":") || clock.get(5..6) != Some(":") {
        return None;
    }
    Some(days_from_civil(i64::from(year), month, day) * 86_400 + i64::from(h * 3600 + m * 60 + sec))
}

#[cfg(test)]
mod tests {
    use super::*;

    const B: Backoff = Backoff { base_ms: 2000, max_ms: 60_000, max_attempts: 5, max_rate_limited_ms: 900_000, max_retry_after_ms: 300_000 };

    #[test]
    fn backs_off_exponentially_with_bounded_jitter() {
        assert_eq!([1, 2, 3, 4, 5, 6, 40, u32::MAX].map(|r| B.delay_ms(r, None, 1.0)), [2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000]);
        assert_eq!([1, 2, 3, 6].map(|r| B.delay_ms(r, None, 0.0)), [1000, 2000, 4000, 30_000]);
        assert_eq!(B.delay_ms(4, None, 0.5), 12_000);
        assert_eq!(B.delay_ms(4, None, f64::NAN), 16_000);
    }

    #[test]
    fn never_sooner_than_retry_after_but_not_forever() {
        assert_eq!(B.delay_ms(1, Some(45), 0.0), 45_000);
        assert_eq!(B.delay_ms(5, Some(3), 1.0), 32_000);
        assert_eq!(B.delay_ms(1, Some(u64::MAX), 0.0), 300_000);
    }

    #[test]
    fn reads_retry_after_in_both_forms() {
        assert_eq!(parse_retry_after("7", 0), Some(7));
        assert_eq!(parse_retry_after(" 120 ", 0), Some(120));
        assert_eq!(parse_retry_after("99999999999999999999999", 0), Some(u64::MAX));
        // 784111777 is Sun, 06 Nov 1994 08:49:37 GMT (RFC 9110's example).
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_777 - 30), Some(30));
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_777 + 30), Some(0));
        for bad in ["-1", "soon", "", "+5", "Sun, 31 Feb 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 06 Nov 1994 08-49-37 GMT"] {
            assert_eq!(parse_retry_after(bad, 0), None, "{bad}");
        }
        assert_eq!(unix_from_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(unix_from_http_date("Tue, 29 Feb 2000 00:00:00 GMT"), Some(951_782_400));
    }
}
