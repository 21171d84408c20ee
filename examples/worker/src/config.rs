//! The Worker's settings, read from its vars (wrangler.toml) and secrets (`wrangler secret put`,
//! `.dev.vars` locally). Pure: the caller passes a lookup function.

use crate::destination::Destination;
use crate::event::OrderStatus;
use crate::lootly_destination::LootlyDestination;
use crate::woowup_destination::WoowUpDestination;
use crate::woowup_v3_destination::{self, Reversal3, WoowUpV3Destination};
use crate::retry::RetryPolicy;
use crate::standard_webhooks::Verifier;
use loyalty_connector::lootly::{Credentials, Endpoint};
use loyalty_connector::woowup::{v3, Client, Decimal, FindBy, PointsRule, RewardOptions, UnknownCustomer, DEFAULT_BASE_URL};

#[derive(Clone, Debug)]
pub struct Config {
    pub verifier: Verifier,
    /// The enabled destinations, in the order of `DESTINATIONS`.
    pub destinations: Vec<Destination>,
    pub retry: RetryPolicy,
    /// The largest body accepted (413 above).
    pub max_body_bytes: usize,
    /// How long one request to a destination may take before it counts as a network error.
    pub fetch_timeout_ms: u64,
}

impl Config {
    /// How long a claimed delivery stays locked to its message: enough for the longest
    /// conversation to time out on every request, with a margin.
    pub fn lease_ms(&self) -> u64 {
        self.fetch_timeout_ms.saturating_mul(16).saturating_add(30_000)
    }

    pub fn destination(&self, name: &str) -> Option<&Destination> {
        self.destinations.iter().find(|d| d.name() == name)
    }

    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Result<Config, String> {
        let text = |name: &str| get(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let required = |name: &str| text(name).ok_or_else(|| format!("{name} is not set (a secret: wrangler secret put {name})"));
        let number = |name: &str, default: u64, min: u64, max: u64| -> Result<u64, String> {
            match text(name) {
                None => Ok(default),
                Some(v) => v
                    .parse::<u64>()
                    .ok()
                    .filter(|n| (min..=max).contains(n))
                    .ok_or_else(|| format!("{name} must be a whole number from {min} to {max}, not {v:?}")),
            }
        };
        let verifier = Verifier::from_secrets(&required("WEBHOOK_SECRETS")?).map_err(|e| format!("WEBHOOK_SECRETS: {e}"))?;
        let mut destinations = Vec::new();
        let list = text("DESTINATIONS").unwrap_or_else(|| "lootly".into());
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            if destinations.iter().any(|d: &Destination| d.name() == name) {
                continue;
            }
            destinations.push(match name {
                "lootly" => {
                    let base = text("LOOTLY_BASE_URL").unwrap_or_else(|| "https://lootly.io".into());
                    let slug = text("LOOTLY_SLUG").unwrap_or_else(|| "common".into());
                    let endpoint = Endpoint::new(&base, &slug).map_err(|e| format!("LOOTLY_BASE_URL/LOOTLY_SLUG: {e}"))?;
                    let credentials = Credentials::new(required("LOOTLY_API_KEY")?, required("LOOTLY_API_SECRET")?);
                    Destination::Lootly(LootlyDestination { credentials, endpoint })
                }
                "woowup" if matches!(text("WOOWUP_API").as_deref(), Some("v3")) => Destination::WoowUpV3(woowup_v3(&text, &required, &number)?),
                "woowup" => {
                    if let Some(api) = text("WOOWUP_API").filter(|a| a != "v2") {
                        return Err(format!("WOOWUP_API: {api:?} is not v2 or v3"));
                    }
                    let base = text("WOOWUP_BASE_URL").unwrap_or_else(|| DEFAULT_BASE_URL.into());
                    let client = Client::new(&required("WOOWUP_APP_ID")?, required("WOOWUP_API_KEY")?)
                        .and_then(|c| c.with_base_url(&base))
                        .map_err(|e| format!("WOOWUP_APP_ID/WOOWUP_BASE_URL: {e}"))?;
                    let (reward_status, find_by) = woowup_common(&text)?;
                    let unknown_customer = match text("WOOWUP_UNKNOWN_CUSTOMER").as_deref() {
                        None | Some("skip") => UnknownCustomer::Skip,
                        Some("initialize") => UnknownCustomer::Initialize,
                        Some(other) => return Err(format!("WOOWUP_UNKNOWN_CUSTOMER: {other:?} is not skip or initialize")),
                    };
                    let rule = match text("WOOWUP_POINTS_RULE") {
                        None => PointsRule::default(),
                        Some(r) => r.parse().map_err(|e| format!("WOOWUP_POINTS_RULE: {e}"))?,
                    };
                    let options = RewardOptions { find_by, unknown_customer, rule, sale_points: None };
                    Destination::WoowUp(WoowUpDestination { client, reward_status, options })
                }
                other => return Err(format!("DESTINATIONS: unknown destination {other:?} (known: lootly, woowup)")),
            });
        }
        if destinations.is_empty() {
            return Err("DESTINATIONS names no destination".into());
        }
        let retry = RetryPolicy {
            base_seconds: number("RETRY_BASE_SECONDS", 2, 0, 3600)? as u32,
            max_seconds: number("RETRY_MAX_SECONDS", 600, 1, 43_200)? as u32,
            max_attempts: number("MAX_ATTEMPTS", 10, 1, 100)? as u32,
        };
        Ok(Config {
            verifier,
            destinations,
            retry,
            max_body_bytes: number("MAX_BODY_BYTES", 64 * 1024, 1024, 1024 * 1024)? as usize,
            fetch_timeout_ms: number("FETCH_TIMEOUT_SECONDS", 30, 1, 300)? * 1000,
        })
    }
}

/// The settings both WoowUp destinations (v2 and v3) read alike: which order status earns
/// the reward, and how the customer is found.
fn woowup_common(text: &dyn Fn(&str) -> Option<String>) -> Result<(OrderStatus, FindBy), String> {
    let status = text("WOOWUP_REWARD_STATUS").unwrap_or_else(|| "completed".into());
    let reward_status = OrderStatus::parse(&status)
        .ok_or_else(|| format!("WOOWUP_REWARD_STATUS: {status:?} is not processing, paid, fulfilled or completed"))?;
    let find_by = match text("WOOWUP_FIND_BY").as_deref() {
        None | Some("email") => FindBy::Email,
        Some("uid") => FindBy::Uid,
        Some(other) => return Err(format!("WOOWUP_FIND_BY: {other:?} is not email or uid")),
    };
    Ok((reward_status, find_by))
}

/// WoowUp's API v3 settings (`WOOWUP_API=v3`): the API key alone names the account.
fn woowup_v3(
    text: &dyn Fn(&str) -> Option<String>,
    required: &dyn Fn(&str) -> Result<String, String>,
    number: &dyn Fn(&str, u64, u64, u64) -> Result<u64, String>,
) -> Result<WoowUpV3Destination, String> {
    let base = text("WOOWUP_V3_BASE_URL").unwrap_or_else(|| v3::DEFAULT_BASE_URL.into());
    let key = required("WOOWUP_API_KEY")?;
    let client = v3::Client::new(key.as_str()).and_then(|c| c.with_base_url(&base)).map_err(|e| format!("WOOWUP_API_KEY/WOOWUP_V3_BASE_URL: {e}"))?;
    let (reward_status, find_by) = woowup_common(text)?;
    let unknown_customer = woowup_v3_destination::unknown_customer(text("WOOWUP_UNKNOWN_CUSTOMER").as_deref())?;
    let on_duplicate = match text("WOOWUP_V3_ON_DUPLICATE").as_deref() {
        None | Some("update") => v3::OnDuplicate::Update,
        Some("keep") => v3::OnDuplicate::Keep,
        Some(other) => return Err(format!("WOOWUP_V3_ON_DUPLICATE: {other:?} is not update or keep")),
    };
    let reversal = match text("WOOWUP_V3_REVERSAL").as_deref() {
        None | Some("refuse") => Reversal3::Refuse,
        Some("negative_points") => {
            let rate = required("WOOWUP_V3_POINTS_PER_UNIT").map_err(|_| "WOOWUP_V3_POINTS_PER_UNIT: set it with WOOWUP_V3_REVERSAL=negative_points (the points one unit of money earned)".to_string())?;
            let per_unit = Decimal::parse(&rate, "WOOWUP_V3_POINTS_PER_UNIT")
                .ok()
                .filter(|d| !d.is_negative() && !d.is_zero())
                .ok_or_else(|| format!("WOOWUP_V3_POINTS_PER_UNIT: {rate:?} is not a decimal above 0"))?;
            Reversal3::NegativePoints { per_unit }
        }
        Some(other) => return Err(format!("WOOWUP_V3_REVERSAL: {other:?} is not refuse or negative_points")),
    };
    let per_minute = number("WOOWUP_REQUESTS_PER_MINUTE", u64::from(v3::REQUESTS_PER_MINUTE), 1, 100_000)? as u32;
    Ok(WoowUpV3Destination {
        account: woowup_v3_destination::account_name(client.base_url(), &key),
        client,
        reward_status,
        find_by,
        options: v3::RecordOptions { unknown_customer, on_duplicate },
        requests_per_minute: per_minute,
        reversal,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(pairs: &[(&str, &str)]) -> Result<Config, String> {
        let mut env: HashMap<&str, &str> = [
            ("WEBHOOK_SECRETS", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
            ("LOOTLY_API_KEY", "k"),
            ("LOOTLY_API_SECRET", "s"),
        ]
        .into();
        env.extend(pairs.iter().copied());
        Config::from_env(|name| env.get(name).map(|v| v.to_string()))
    }

    #[test]
    fn defaults_send_to_lootly_io() {
        let c = config(&[]).unwrap();
        assert_eq!(c.destinations.len(), 1);
        let Destination::Lootly(l) = &c.destinations[0] else { panic!() };
        assert_eq!(l.endpoint, Endpoint::default());
        assert_eq!(c.retry, RetryPolicy::default());
        assert_eq!((c.max_body_bytes, c.fetch_timeout_ms), (65_536, 30_000));
        assert!(c.lease_ms() > 16 * c.fetch_timeout_ms);
    }

    #[test]
    fn vars_point_destinations_anywhere() {
        let c = config(&[("LOOTLY_BASE_URL", "http://127.0.0.1:8790"), ("LOOTLY_SLUG", "custom-api"), ("MAX_ATTEMPTS", "3")]).unwrap();
        let Destination::Lootly(l) = &c.destinations[0] else { panic!() };
        assert_eq!(l.endpoint.base_url(), "http://127.0.0.1:8790");
        assert_eq!(c.retry.max_attempts, 3);
    }

    #[test]
    fn woowup_is_a_second_destination() {
        let woowup = [("DESTINATIONS", "lootly, woowup"), ("WOOWUP_APP_ID", "14"), ("WOOWUP_API_KEY", "k")];
        let c = config(&woowup).unwrap();
        assert_eq!(c.destinations.iter().map(Destination::name).collect::<Vec<_>>(), ["lootly", "woowup"]);
        let Destination::WoowUp(w) = &c.destinations[1] else { panic!() };
        assert_eq!(w.client.base_url(), DEFAULT_BASE_URL);
        assert_eq!((w.reward_status, w.options.find_by, w.options.unknown_customer), (OrderStatus::Completed, FindBy::Email, UnknownCustomer::Skip));
        let mut custom = woowup.to_vec();
        custom.extend([("WOOWUP_BASE_URL", "http://127.0.0.1:8790/apiv2"), ("WOOWUP_REWARD_STATUS", "paid"),
            ("WOOWUP_UNKNOWN_CUSTOMER", "initialize"), ("WOOWUP_POINTS_RULE", "unrounded")]);
        let c = config(&custom).unwrap();
        let Destination::WoowUp(w) = &c.destinations[1] else { panic!() };
        assert_eq!(w.client.url("x"), "http://127.0.0.1:8790/apiv2/14/x");
        assert_eq!((w.reward_status, w.options.unknown_customer, w.options.rule), (OrderStatus::Paid, UnknownCustomer::Initialize, PointsRule::Unrounded));
        for (name, value) in [("WOOWUP_API_KEY", ""), ("WOOWUP_REWARD_STATUS", "shipped"), ("WOOWUP_FIND_BY", "phone"), ("WOOWUP_POINTS_RULE", "x")] {
            let mut bad = woowup.to_vec();
            bad.push((name, value));
            assert!(config(&bad).unwrap_err().contains(name), "{name}");
        }
    }

    #[test]
    fn woowup_api_v3_is_a_setting() {
        let v3 = [("DESTINATIONS", "woowup"), ("WOOWUP_API", "v3"), ("WOOWUP_API_KEY", "key-1")];
        let c = config(&v3).unwrap();
        let Destination::WoowUpV3(w) = &c.destinations[0] else { panic!("{:?}", c.destinations) };
        assert_eq!(c.destinations[0].name(), "woowup");
        assert_eq!(w.client.base_url(), v3::DEFAULT_BASE_URL);
        assert_eq!((w.requests_per_minute, w.find_by, w.options.unknown_customer), (140, FindBy::Email, v3::UnknownCustomer::Skip));
        let pacing = c.destinations[0].pacing().unwrap();
        assert_eq!(pacing.account.len(), 32);
        assert!(!pacing.account.contains("key-1"));
        let mut custom = v3.to_vec();
        custom.extend([("WOOWUP_V3_BASE_URL", "http://127.0.0.1:8790/apiv3"), ("WOOWUP_UNKNOWN_CUSTOMER", "create"),
            ("WOOWUP_REQUESTS_PER_MINUTE", "600"), ("WOOWUP_V3_ON_DUPLICATE", "keep")]);
        let c = config(&custom).unwrap();
        let Destination::WoowUpV3(w) = &c.destinations[0] else { panic!() };
        assert_eq!((w.client.base_url(), w.requests_per_minute), ("http://127.0.0.1:8790/apiv3", 600));
        assert_eq!((w.options.unknown_customer, w.options.on_duplicate), (v3::UnknownCustomer::Create, v3::OnDuplicate::Keep));
        assert_ne!(c.destinations[0].pacing().unwrap().account, pacing.account, "another base URL, another account");
        assert_eq!(w.reversal, Reversal3::Refuse);
        let mut points = v3.to_vec();
        points.extend([("WOOWUP_V3_REVERSAL", "negative_points"), ("WOOWUP_V3_POINTS_PER_UNIT", "0.1")]);
        let Destination::WoowUpV3(w) = &config(&points).unwrap().destinations[0] else { panic!() };
        assert_eq!(w.reversal, Reversal3::NegativePoints { per_unit: Decimal::parse("0.1", "x").unwrap() });
        assert!(config(&points[..4]).unwrap_err().contains("WOOWUP_V3_POINTS_PER_UNIT"));
        for rate in ["0", "-1", "x"] {
            let mut bad = points.clone();
            bad.push(("WOOWUP_V3_POINTS_PER_UNIT", rate));
            assert!(config(&bad).unwrap_err().contains("WOOWUP_V3_POINTS_PER_UNIT"), "{rate}");
        }
        for (name, value) in [("WOOWUP_API_KEY", ""), ("WOOWUP_V3_REVERSAL", "negative"), ("WOOWUP_REQUESTS_PER_MINUTE", "0"),
            ("WOOWUP_UNKNOWN_CUSTOMER", "add"), ("WOOWUP_V3_BASE_URL", "ftp://x")] {
            let mut bad = v3.to_vec();
            bad.push((name, value));
            assert!(config(&bad).unwrap_err().contains(name), "{name}");
        }
        // v2 stays the default; an unknown API is named.
        let v2 = config(&[("DESTINATIONS", "woowup"), ("WOOWUP_APP_ID", "14"), ("WOOWUP_API_KEY", "k")]).unwrap();
        assert!(matches!(v2.destinations[0], Destination::WoowUp(_)) && v2.destinations[0].pacing().is_none());
        assert!(config(&[("DESTINATIONS", "woowup"), ("WOOWUP_API", "v4"), ("WOOWUP_APP_ID", "14"), ("WOOWUP_API_KEY", "k")]).unwrap_err().contains("WOOWUP_API"));
    }

    #[test]
    fn bad_settings_are_named() {
        assert!(config(&[("WEBHOOK_SECRETS", "")]).unwrap_err().contains("WEBHOOK_SECRETS"));
        assert!(config(&[("LOOTLY_API_SECRET", " ")]).unwrap_err().contains("LOOTLY_API_SECRET"));
        assert!(config(&[("DESTINATIONS", "lootly,shopify")]).unwrap_err().contains("shopify"));
        assert!(config(&[("DESTINATIONS", ",")]).unwrap_err().contains("no destination"));
        assert!(config(&[("MAX_ATTEMPTS", "0")]).unwrap_err().contains("MAX_ATTEMPTS"));
        assert!(config(&[("LOOTLY_BASE_URL", "ftp://x")]).unwrap_err().contains("LOOTLY_BASE_URL"));
        // A secret's value never appears in an error.
        assert!(!config(&[("WEBHOOK_SECRETS", "whsec_!!secret!!")]).unwrap_err().contains("secret!!"));
    }
}
