//! API v3's retry rule as data: what the official PHP clients retry (HTTP 429, 502, 503 only),
//! how long they wait (`Retry-After` when positive, else `min(2^n, 60)` s with `n` the retries so
//! far), at most 25 requests per call, except that a write WoowUp does not deduplicate (points)
//! is never sent twice without a check: the official clients resend every verb, which
//! double-credits points when a 502/503 came after the server had already applied it.
//!
//! Pure functions: the engine that sends and sleeps asks them.

use crate::http::{Method, Request};

/// The most requests for one call (the official clients' `MAX_ATTEMPTS`).
pub const MAX_ATTEMPTS: u32 = 25;
/// The longest back-off, in seconds.
pub const MAX_BACKOFF_S: u64 = 60;

/// The statuses the official clients retry.
pub fn is_retryable_status(status: u16) -> bool {
    matches!(status, 429 | 502 | 503)
}

/// `min(2^n, 60)` seconds in milliseconds, `n` the retries so far (1, 2, 4 … 32, 60, 60 …).
pub fn backoff_ms(retries_so_far: u32) -> u64 {
    let seconds = if retries_so_far >= 6 { MAX_BACKOFF_S } else { (1u64 << retries_so_far).min(MAX_BACKOFF_S) };
    seconds * 1000
}

/// How safe it is to send a request again when its answer did not arrive or said "try later".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resend {
    /// Reads, `PUT`s and `DELETE`s: sending twice does what sending once does.
    Safe,
    /// Creates WoowUp deduplicates: a purchase (invoice number), a customer (`POST /users` of an
    /// existing one fails), an event name. A resend is answered as a duplicate, never applied twice.
    Deduplicated,
    /// Writes WoowUp applies every time (points, user events, abandoned carts, members,
    /// integration stats): resend only after checking that the first was not applied.
    CheckFirst,
}

impl Resend {
    /// The class of a request of this module's client, by method and path.
    pub fn of(request: &Request) -> Resend {
        let path = request.url.split(['?', '#']).next().unwrap_or_default();
        match request.method {
            Method::Get | Method::Put | Method::Delete => Resend::Safe,
            Method::Post => {
                let deduplicated = ["/purchases", "/purchases/bulk", "/users", "/events"];
                if deduplicated.iter().any(|p| path.ends_with(p)) {
                    Resend::Deduplicated
                } else {
                    Resend::CheckFirst
                }
            }
        }
    }
}

/// What to do after an attempt that did not succeed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Retry {
    /// Send the same request again after this many milliseconds.
    After { ms: u64 },
    /// The write may have been applied: check (e.g. `GET /multiusers/transactions`) before
    /// sending it again; never resend blindly.
    CheckFirst,
    /// Stop: the failure is final, or the attempts are spent.
    GiveUp,
}

/// The v3 rule. `attempts`: requests sent for this call so far (1 after the first).
/// `status`: the answer's HTTP status, `None` when no answer arrived (transport error,
/// timeout). `retry_after_s`: a positive `Retry-After`.
///
/// - 429: the rate limiter refused the request before it was processed, so every request is
///   retried, after `Retry-After` or the back-off.
/// - 502, 503 and lost answers: the request may have been processed; [`Resend::Safe`] and
///   [`Resend::Deduplicated`] ones are retried after the back-off, [`Resend::CheckFirst`] ones
///   are not. (The official clients raise transport errors at once; retrying what is safe is the
///   library's choice.)
/// - anything else, or [`MAX_ATTEMPTS`] reached: give up.
pub fn decide(resend: Resend, attempts: u32, status: Option<u16>, retry_after_s: Option<u64>) -> Retry {
    if attempts >= MAX_ATTEMPTS {
        return Retry::GiveUp;
    }
    let backoff = backoff_ms(attempts.saturating_sub(1));
    match status {
        Some(429) => Retry::After { ms: retry_after_s.filter(|s| *s > 0).map_or(backoff, |s| s.saturating_mul(1000)) },
        Some(502 | 503) | None => match resend {
            Resend::CheckFirst => Retry::CheckFirst,
            Resend::Safe | Resend::Deduplicated => Retry::After { ms: backoff },
        },
        Some(_) => Retry::GiveUp,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::woowup::v3::{input, Client, Identity, Points};

    #[test]
    fn backoff_doubles_up_to_a_minute() {
        let waits: Vec<u64> = (0..9).map(|n| backoff_ms(n) / 1000).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(backoff_ms(u32::MAX), 60_000);
    }

    #[test]
    fn points_are_never_resent_blindly() {
        let c = Client::new("k").unwrap();
        let points = c.add_points(&Identity::email("a@b.c"), &Points { concept: "gift".into(), points: 10, description: None }).unwrap();
        let purchase = c
            .create_purchase(&input(r#"{"invoice_number": 1, "email": "a@b.c", "purchase_detail": [{"sku": "A1", "quantity": 1, "unit_price": 1}], "prices": {}}"#).unwrap())
            .unwrap();
        let find = c.find_customer(&Identity::email("a@b.c")).unwrap();
        assert_eq!((Resend::of(&points), Resend::of(&purchase), Resend::of(&find)), (Resend::CheckFirst, Resend::Deduplicated, Resend::Safe));
        for status in [Some(502), Some(503), None] {
            assert_eq!(decide(Resend::CheckFirst, 1, status, None), Retry::CheckFirst);
            assert_eq!(decide(Resend::Deduplicated, 3, status, None), Retry::After { ms: 4000 });
        }
        assert_eq!(decide(Resend::CheckFirst, 1, Some(429), Some(7)), Retry::After { ms: 7000 });
        assert_eq!(decide(Resend::CheckFirst, 2, Some(429), None), Retry::After { ms: 2000 });
        for status in [400, 404, 410, 500, 504] {
            assert_eq!(decide(Resend::Safe, 1, Some(status), None), Retry::GiveUp, "{status}");
        }
        assert_eq!(decide(Resend::Safe, MAX_ATTEMPTS, Some(429), Some(1)), Retry::GiveUp);
        assert_eq!(decide(Resend::Safe, MAX_ATTEMPTS - 1, Some(503), None), Retry::After { ms: 60_000 });
    }
}
