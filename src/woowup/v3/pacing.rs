//! A sans-I/O pacer for one WoowUp account: 140 requests a minute, spent evenly (one request
//! every ⌈60 000 / 140⌉ = 429 ms), so WoowUp's sliding window (30-second segments, the previous
//! one weighted down) never fills and no burst turns into a storm of 429s. It also obeys what the
//! server says: `Retry-After` (seconds) holds every request back, and `x-rate-limit-remaining`
//! with `x-rate-limit-reset` (Unix seconds; both unconfirmed, read when present) spreads the
//! remaining budget until the reset.
//!
//! The caller owns the clock: `now_ms` is Unix time in milliseconds (the reset header is Unix
//! time), and the pacer only answers how long to wait.
//!
//! ```
//! use loyalty_connector::woowup::v3::Pacer;
//! let mut pacer = Pacer::default();
//! assert_eq!(pacer.wait_ms(1_000), 0);
//! pacer.sent(1_000);
//! assert_eq!(pacer.wait_ms(1_000), 429);
//! pacer.observe(1_100, &[("Retry-After".into(), "3".into())]);
//! assert_eq!(pacer.wait_ms(1_100), 3_000);
//! ```

use super::answer::{header, retry_after_seconds};

/// WoowUp's documented budget per account.
pub const REQUESTS_PER_MINUTE: u32 = 140;
const MINUTE_MS: u64 = 60_000;
/// How late a request may leave and still take its slot (see [`Pacer::sent`]): after a stall
/// of the driver (a busy machine, a slow disk) the requests it held back leave at once, at most
/// one second's worth of the budget (2 requests at 140 a minute) ahead of the even pace: the run
/// keeps the time the limit implies, and no minute sees more than the limit and that second.
pub const CATCH_UP_MS: u64 = 1000;
/// The furthest a header may hold requests back (a reset or Retry-After beyond it is capped).
const MAX_HOLD_MS: u64 = 5 * MINUTE_MS;

/// The pacing state of one account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pacer {
    interval_ms: u64,
    /// The earliest time the next request may leave, by the even spacing.
    next_ms: u64,
    /// Until when the server asked to hold every request.
    held_until_ms: u64,
}

impl Default for Pacer {
    fn default() -> Pacer {
        Pacer::new(REQUESTS_PER_MINUTE)
    }
}

impl Pacer {
    /// A pacer spending `per_minute` requests a minute evenly (at least 1).
    pub fn new(per_minute: u32) -> Pacer {
        Pacer { interval_ms: MINUTE_MS.div_ceil(u64::from(per_minute.max(1))), next_ms: 0, held_until_ms: 0 }
    }

    /// The spacing between two requests.
    pub fn interval_ms(&self) -> u64 {
        self.interval_ms
    }

    /// How long to wait before sending the next request (0: send now).
    pub fn wait_ms(&self, now_ms: u64) -> u64 {
        self.next_ms.max(self.held_until_ms).saturating_sub(now_ms)
    }

    /// A request left at `now_ms`. One that left less than [`CATCH_UP_MS`] (or one interval,
    /// if longer) after its slot — a driver's timer firing late, a busy event loop — takes that
    /// slot, so lateness does not add up into a slower run. After a longer pause (nothing to
    /// send) the spacing starts again from `now_ms`.
    pub fn sent(&mut self, now_ms: u64) {
        let slack = self.interval_ms.max(CATCH_UP_MS);
        let late_in_slot = now_ms >= self.next_ms && now_ms - self.next_ms < slack && self.next_ms > 0;
        let base = if late_in_slot { self.next_ms } else { self.next_ms.max(now_ms) };
        self.next_ms = base.saturating_add(self.interval_ms);
    }

    /// An answer arrived at `now_ms` with these headers: obey `Retry-After` and the
    /// `x-rate-limit-*` headers when present.
    pub fn observe(&mut self, now_ms: u64, headers: &[(String, String)]) {
        if let Some(seconds) = retry_after_seconds(headers) {
            self.hold_until(now_ms, now_ms.saturating_add(seconds.saturating_mul(1000)));
        }
        let number = |name: &str| header(headers, name).and_then(|v| v.trim().parse::<u64>().ok());
        if let Some(limit) = number("x-rate-limit-limit").filter(|l| *l > 0) {
            // A smaller announced budget (per minute, as the docs state the limit) slows down;
            // a larger one never speeds past the documented 140.
            self.interval_ms = self.interval_ms.max(MINUTE_MS.div_ceil(limit));
        }
        let (Some(remaining), Some(reset_s)) = (number("x-rate-limit-remaining"), number("x-rate-limit-reset")) else { return };
        let reset_ms = reset_s.saturating_mul(1000);
        if reset_ms <= now_ms || reset_ms - now_ms > MAX_HOLD_MS {
            return; // a reset in the past, or a clock that is not Unix time: ignored
        }
        if remaining == 0 {
            self.hold_until(now_ms, reset_ms);
        } else {
            // Spread what remains over the time left, from the last request's slot (not from
            // this answer's arrival, which would add every answer's latency to the spacing of
            // a driver with several requests in flight): only ever slower than the even pace.
            // A budget roomier than the even pace changes nothing (nor stops a catch-up).
            let spacing = (reset_ms - now_ms) / (remaining + 1);
            if spacing > self.interval_ms {
                let last_slot = if self.next_ms > now_ms { self.next_ms - self.interval_ms } else { now_ms };
                self.next_ms = self.next_ms.max(last_slot.saturating_add(spacing));
            }
        }
    }

    fn hold_until(&mut self, now_ms: u64, until_ms: u64) {
        self.held_until_ms = self.held_until_ms.max(until_ms.min(now_ms.saturating_add(MAX_HOLD_MS)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    /// Sends as fast as the pacer allows and counts requests in every sliding minute.
    #[test]
    fn never_more_than_140_in_any_minute_and_evenly_spaced() {
        let mut pacer = Pacer::default();
        let (mut now, mut times) = (1_700_000_000_000u64, Vec::new());
        for _ in 0..1000 {
            now += pacer.wait_ms(now);
            times.push(now);
            pacer.sent(now);
        }
        for (i, t) in times.iter().enumerate() {
            let in_minute = times[i..].iter().take_while(|u| **u < t + 60_000).count();
            assert!(in_minute <= 140, "{in_minute} requests in the minute from {t}");
        }
        // 1000 requests take the time the limit implies, within one interval.
        let span = times[999] - times[0];
        assert!((999 * 60_000 / 140..=999 * 429).contains(&span), "{span}");
        // WoowUp's window: previous 30 s segment weighted down plus the current one stays below 140.
        let count = |from: u64, to: u64| times.iter().filter(|t| **t >= from && **t < to).count() as f64;
        let start = times[0] - times[0] % 30_000;
        let mut at = times[0];
        while at < times[999] {
            let seg = at - (at - start) % 30_000;
            let elapsed = (at - seg) as f64 / 30_000.0;
            let weighted = count(seg - 30_000, seg) * (1.0 - elapsed) + count(seg, at + 1);
            assert!(weighted <= 140.0, "{weighted} at {at}");
            at += 997;
        }
    }

    /// Answers saying plenty remains do not slow a driver with requests in flight.
    #[test]
    fn a_roomy_budget_keeps_the_even_pace() {
        let mut pacer = Pacer::new(12_000);
        let mut now = 1_700_000_000_000u64;
        let start = now;
        for _ in 0..1000 {
            now += pacer.wait_ms(now);
            pacer.sent(now);
            // The answer to an earlier request arrives 2 ms later: 6,000 left, 29 s to the reset.
            let reset = ((now + 29_000) / 1000).to_string();
            pacer.observe(now + 2, &h(&[("x-rate-limit-remaining", "6000"), ("x-rate-limit-reset", &reset)]));
        }
        assert!(now - start <= 1000 * 5, "{}", now - start);
    }

    /// A driver whose timer fires 1 ms late every time still sends at the limit's pace.
    #[test]
    fn late_timers_do_not_slow_the_run() {
        let mut pacer = Pacer::new(12_000);
        let mut now = 1_700_000_000_000u64;
        let start = now;
        for _ in 0..1000 {
            now += pacer.wait_ms(now) + 1;
            pacer.sent(now);
        }
        assert!(now - start <= 1000 * 5 + 5, "{}", now - start);
        // An event loop 30 ms late now and then: the held-back requests catch up.
        let mut pacer = Pacer::new(12_000);
        let mut now = start;
        for i in 0..1000u64 {
            now += pacer.wait_ms(now) + if i % 50 == 0 { 30 } else { 0 };
            pacer.sent(now);
        }
        assert!(now - start <= 1000 * 5 + 30, "{}", now - start);
        // A stall of 300 ms: the 60 requests it held back leave at once, then the pace resumes;
        // 3 s later the run is where the even pace would have it.
        let mut pacer = Pacer::new(12_000);
        let mut times = Vec::new();
        let mut now = start;
        for i in 0..1000u64 {
            now += pacer.wait_ms(now) + if i == 100 { 300 } else { 0 };
            times.push(now);
            pacer.sent(now);
        }
        assert_eq!(times[999] - times[0], 999 * 5);
        let in_second = |from: u64| times.iter().filter(|t| **t >= from && **t < from + 1000).count();
        assert!(times.iter().all(|t| in_second(*t) <= 200 + 60), "at most a second's worth early");
        // Never two requests in less than the interval on average: 10 in at least 9 intervals.
        let mut p = Pacer::new(12_000);
        let mut times = Vec::new();
        let mut t = start;
        for i in 0..10u64 {
            t += p.wait_ms(t) + (i % 3);
            times.push(t);
            p.sent(t);
        }
        assert!(times[9] - times[0] >= 9 * 5 - 2, "{times:?}");
    }

    #[test]
    fn obeys_the_servers_headers() {
        let now = 1_700_000_000_000u64;
        let mut p = Pacer::default();
        p.observe(now, &h(&[("Retry-After", "12")]));
        assert_eq!(p.wait_ms(now), 12_000);
        p.observe(now, &h(&[("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")]));
        assert_eq!(p.wait_ms(now), 12_000);

        let mut p = Pacer::default();
        let reset = (now / 1000 + 10).to_string();
        p.observe(now, &h(&[("x-rate-limit-remaining", "0"), ("x-rate-limit-reset", &reset)]));
        assert_eq!(p.wait_ms(now), 10_000 - now % 1000);
        let mut p = Pacer::default();
        p.observe(now, &h(&[("x-rate-limit-remaining", "4"), ("x-rate-limit-reset", &reset)]));
        assert_eq!(p.wait_ms(now), (10_000 - now % 1000) / 5);
        // A reset that is not Unix time (or far away) is ignored; a Retry-After is capped.
        let mut p = Pacer::default();
        p.observe(5_000, &h(&[("x-rate-limit-remaining", "0"), ("x-rate-limit-reset", &reset), ("Retry-After", "99999")]));
        assert_eq!(p.wait_ms(5_000), MAX_HOLD_MS);
        let mut p = Pacer::default();
        p.observe(now, &h(&[("x-rate-limit-limit", "60")]));
        p.sent(now);
        assert_eq!(p.wait_ms(now), 1000);
        p.observe(now, &h(&[("x-rate-limit-limit", "1000")]));
        assert_eq!(p.interval_ms(), 1000);
    }
}
