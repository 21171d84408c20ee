//! What an answer means, per vendor: the one place that decides whether an answer is handed to
//! the step machine, sent again, final for the whole run, or leaves its request *in doubt*.

use super::retry::{parse_retry_after, Backoff};
use super::{Answer, Response};

/// What a request does to the vendor's data: it decides what a lost answer means.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Effect {
    /// Changes nothing (a lookup): sending it again is always safe.
    #[default]
    Read,
    /// Changes something, and the same request twice has the effect of one (an upsert).
    Idempotent,
    /// Changes something that must happen once (a sale, points, a new customer, a refund):
    /// after a lost answer it may have happened, and is not sent again without a check.
    Once,
}

/// What to do with an answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The vendor answered: hand it to the step machine, which reads it.
    Answer,
    /// Not processed, or harmless to process again: send the same request again later.
    Retry {
        /// Seconds the server asked to wait (`Retry-After`), when it said.
        retry_after: Option<u64>,
        /// A 429: waits on it count against the rate-limit budget, not the attempts.
        rate_limited: bool,
    },
    /// No request of this account can succeed (credentials refused, account deleted): stop.
    Permanent,
    /// The request may or may not have been processed: check before sending it again.
    InDoubt,
}

/// A vendor's rules: which statuses are retried or final, the backoff, and which answers are
/// the vendor's own (a 2xx that is not cannot be trusted after a write).
#[derive(Clone, Copy, Debug)]
pub struct Policy {
    /// `"woowup"` or `"lootly"`, as in `LoyaltyError::service`.
    pub service: &'static str,
    /// Statuses sent again (besides 429, which always is): for a read or an idempotent write.
    /// After a `Once` write they leave the request in doubt.
    pub retried: &'static [u16],
    /// Statuses that say nothing was processed: sent again whatever the request does.
    pub unprocessed: &'static [u16],
    /// Statuses that end the whole run: no request can succeed.
    pub permanent: &'static [u16],
    pub backoff: Backoff,
    /// Whether a 2xx body is an answer of this vendor (parses as its format).
    pub readable: fn(&str) -> bool,
}

/// A WoowUp answer: a JSON object with the members every answer has (API v2 `status`, v3 `code`
/// and `payload`, the connectors log's record `files`). Valid JSON of another shape (`{}`, a
/// proxy's `{"error": …}`) says nothing about the write.
fn woowup_answer(body: &str) -> bool {
    serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(body)
        .is_ok_and(|o| ["status", "code", "payload", "files"].iter().any(|k| o.contains_key(*k)))
}

fn any(_: &str) -> bool {
    true
}

/// The official clients' backoff: `min(2^n, 60)` seconds, five retries, up to 15 minutes of
/// 429s a request, a `Retry-After` honoured up to 5 minutes.
const WOOWUP_BACKOFF: Backoff =
    Backoff { base_ms: 2000, max_ms: 60_000, max_attempts: 6, max_rate_limited_ms: 900_000, max_retry_after_ms: 300_000 };

impl Policy {
    /// WoowUp API v2 (and v3: the same servers and official clients). 429, 502 and 503 are
    /// retried as WoowUp's own clients do; 401 and 403 (credentials refused) and 410 (account
    /// deleted) end the run. Every answer is a JSON object of WoowUp's shape: anything else after a
    /// write is in doubt.
    pub const WOOWUP: Policy = Policy {
        service: "woowup",
        retried: &[502, 503],
        unprocessed: &[],
        permanent: &[401, 403, 410],
        backoff: WOOWUP_BACKOFF,
        readable: woowup_answer,
    };

    /// Lootly: a 401 is a refused key or signature and a 500 an integration the merchant may not
    /// use (both final); 429 and every other 5xx are retried. A webhook only queues a job, the
    /// last thing the endpoint does before its 200: a 502 (the proxy found no server) or a 503
    /// (maintenance) means nothing was queued. Lootly's 200 body is not read.
    pub const LOOTLY: Policy = Policy {
        service: "lootly",
        retried: &[502, 503, 504, 520, 521, 522, 523, 524],
        unprocessed: &[502, 503],
        permanent: &[401, 403, 410, 500],
        backoff: WOOWUP_BACKOFF,
        readable: any,
    };

    /// The same rules with another backoff (a queue's longer one, a test's shorter one).
    pub const fn with_backoff(self, backoff: Backoff) -> Policy {
        Policy { backoff, ..self }
    }

    /// What `answer` to a request with `effect` means. `now_unix` reads a `Retry-After` date.
    pub fn classify(&self, effect: Effect, answer: &Answer, now_unix: i64) -> Verdict {
        let response = match answer {
            Answer::Lost(_) if effect == Effect::Once => return Verdict::InDoubt,
            Answer::Lost(_) => return Verdict::Retry { retry_after: None, rate_limited: false },
            Answer::Response(r) => r,
        };
        let status = response.status;
        let retry_after = || response.header("retry-after").and_then(|v| parse_retry_after(v, now_unix));
        if status == 429 {
            // Refused before anything was processed: never in doubt.
            return Verdict::Retry { retry_after: retry_after(), rate_limited: true };
        }
        if self.permanent.contains(&status) {
            return Verdict::Permanent;
        }
        if self.unprocessed.contains(&status) {
            return Verdict::Retry { retry_after: retry_after(), rate_limited: false };
        }
        let server_error = (500..=599).contains(&status);
        match effect {
            Effect::Once if server_error => Verdict::InDoubt,
            Effect::Once if (200..=299).contains(&status) && !(self.readable)(&response.body) => Verdict::InDoubt,
            _ if self.retried.contains(&status) => Verdict::Retry { retry_after: retry_after(), rate_limited: false },
            _ => Verdict::Answer,
        }
    }

    /// Why a permanent status stops the run (no body, no personal data).
    pub fn permanent_reason(&self, status: u16) -> String {
        let what = match status {
            401 | 403 => "refused the credentials: check the API key (and the app id)",
            410 => "says the account was deleted",
            500 if self.service == "lootly" => "refused the integration: the merchant may not use this slug",
            _ => "refused every request",
        };
        format!("{} {what} (HTTP {status})", self.service_name())
    }

    /// The vendor's name as people write it.
    pub fn service_name(&self) -> &'static str {
        match self.service {
            "woowup" => "WoowUp",
            "lootly" => "Lootly",
            other => other,
        }
    }
}

/// For tests and drivers that build answers by hand.
impl From<Response> for Answer {
    fn from(r: Response) -> Answer {
        Answer::Response(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Effect::*;

    fn verdict(policy: Policy, effect: Effect, status: u16, body: &str) -> Verdict {
        policy.classify(effect, &Answer::response(status, body), 0)
    }

    const RETRY: Verdict = Verdict::Retry { retry_after: None, rate_limited: false };

    #[test]
    fn woowup_answers() {
        let p = Policy::WOOWUP;
        for effect in [Read, Idempotent, Once] {
            assert_eq!(verdict(p, effect, 200, r#"{"status":true}"#), Verdict::Answer, "{effect:?}");
            assert_eq!(verdict(p, effect, 400, "<html>"), Verdict::Answer, "a refusal is read by the machine");
            assert_eq!(verdict(p, effect, 404, "{}"), Verdict::Answer);
            assert_eq!(verdict(p, effect, 429, ""), Verdict::Retry { retry_after: None, rate_limited: true });
            for s in [401, 403, 410] {
                assert_eq!(verdict(p, effect, s, "{}"), Verdict::Permanent, "{s}");
            }
        }
        for s in [502, 503] {
            assert_eq!(verdict(p, Read, s, ""), RETRY);
            assert_eq!(verdict(p, Idempotent, s, ""), RETRY);
            assert_eq!(verdict(p, Once, s, ""), Verdict::InDoubt);
        }
        assert_eq!(verdict(p, Read, 500, "{}"), Verdict::Answer);
        assert_eq!(verdict(p, Once, 500, "{}"), Verdict::InDoubt, "a 5xx after a write");
        assert_eq!(verdict(p, Once, 504, ""), Verdict::InDoubt);
    }

    #[test]
    fn an_unreadable_2xx_after_a_write_is_in_doubt() {
        let p = Policy::WOOWUP;
        for body in ["<html>OK</html>", r#"{"status":true,"data":{"tra"#, "", "{}", r#"{"error":"upstream"}"#, "[]", "true"] {
            assert_eq!(verdict(p, Once, 200, body), Verdict::InDoubt, "{body}");
            assert_eq!(verdict(p, Read, 200, body), Verdict::Answer, "{body}");
        }
        for body in [r#"{"status":true}"#, r#"{"payload":{},"message":"ok","code":"ok","time":"1ms"}"#, r#"{"files":["a.csv"],"stats":{}}"#] {
            assert_eq!(verdict(p, Once, 200, body), Verdict::Answer, "{body}");
        }
    }

    #[test]
    fn lost_answers() {
        for p in [Policy::WOOWUP, Policy::LOOTLY] {
            assert_eq!(p.classify(Once, &Answer::timeout("no answer in 30 s"), 0), Verdict::InDoubt);
            assert_eq!(p.classify(Once, &Answer::network("ECONNRESET"), 0), Verdict::InDoubt);
            assert_eq!(p.classify(Read, &Answer::network("ECONNREFUSED"), 0), RETRY);
            assert_eq!(p.classify(Idempotent, &Answer::timeout("t"), 0), RETRY);
        }
    }

    #[test]
    fn retry_after_in_seconds_or_a_date() {
        let r = Response::new(429, "").with_header("Retry-After", "7");
        assert_eq!(Policy::WOOWUP.classify(Once, &r.into(), 0), Verdict::Retry { retry_after: Some(7), rate_limited: true });
        let r = Response::new(503, "").with_header("retry-after", "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(Policy::WOOWUP.classify(Read, &r.into(), 784_111_777 - 30), Verdict::Retry { retry_after: Some(30), rate_limited: false });
    }

    #[test]
    fn lootly_answers() {
        let p = Policy::LOOTLY;
        assert_eq!(verdict(p, Once, 200, "anything"), Verdict::Answer);
        assert_eq!(verdict(p, Once, 201, ""), Verdict::Answer);
        assert_eq!(verdict(p, Once, 401, ""), Verdict::Permanent);
        assert_eq!(verdict(p, Once, 500, ""), Verdict::Permanent);
        assert_eq!(verdict(p, Read, 503, ""), RETRY);
        assert_eq!(verdict(p, Once, 503, ""), RETRY, "nothing was queued");
        assert_eq!(verdict(p, Once, 504, ""), Verdict::InDoubt);
        assert!(p.permanent_reason(500).contains("integration"));
        assert!(Policy::WOOWUP.permanent_reason(401).starts_with("WoowUp refused the credentials"));
    }
}
