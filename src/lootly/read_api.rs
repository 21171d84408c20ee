//! The read API: customers' point balances. A different signing rule from the webhooks: the
//! HMAC covers `json_encode(["key" => K])` (plus `customer_ids` for several customers, in that
//! order, unsorted), and travels percent-encoded in the query string.

use super::{Credentials, Endpoint};
use crate::error::{LoyaltyError, Result};
use crate::http::{Method, Request};
use crate::php::{http_build_query, json_encode, rawurlencode, Array, Value};

/// `GET {base}/api/custom/customer/{id}/point-balance?key=K&hmac=H` (the id is not signed).
pub fn point_balance(customer_id: &str, creds: &Credentials, endpoint: &Endpoint) -> Result<Request> {
    if customer_id.is_empty() {
        return Err(LoyaltyError::missing("customerId"));
    }
    let signed = Array::from_pairs([("key", Value::str(&creds.api_key))]);
    let url = format!("{}/api/custom/customer/{}/point-balance", endpoint.base_url(), rawurlencode(customer_id));
    signed_get(url, signed, creds)
}

/// `GET {base}/api/custom/customers/point-balance?key=K&customer_ids=1,2&hmac=H`.
pub fn point_balances(customer_ids: &[&str], creds: &Credentials, endpoint: &Endpoint) -> Result<Request> {
    if customer_ids.is_empty() {
        return Err(LoyaltyError::missing("customerIds"));
    }
    for (i, id) in customer_ids.iter().enumerate() {
        if id.is_empty() || id.contains(',') {
            return Err(LoyaltyError::invalid(format!("customerIds[{i}]"), "must be non-empty and without commas"));
        }
    }
    let signed = Array::from_pairs([
        ("key", Value::str(&creds.api_key)),
        ("customer_ids", Value::str(customer_ids.join(","))),
    ]);
    signed_get(format!("{}/api/custom/customers/point-balance", endpoint.base_url()), signed, creds)
}

fn signed_get(url: String, mut query: Array, creds: &Credentials) -> Result<Request> {
    let hmac = creds.hmac_base64(&json_encode(&Value::Array(query.clone()))?);
    query.set("hmac", Value::Str(hmac));
    let query = http_build_query(&Value::Array(query))?;
    Ok(Request::new(Method::Get, format!("{url}?{query}")).header("Accept", "application/json"))
}

/// Reads `{"point_value": N}`.
pub fn read_point_balance(status: u16, body: &str) -> Result<i64> {
    let json = read_json(status, body)?;
    json.get("point_value").and_then(points).ok_or_else(|| invalid(status, "no numeric point_value"))
}

/// Reads `[{"1": N}, {"2": M}]` into `(customer id, points)` pairs, in the server's order.
pub fn read_point_balances(status: u16, body: &str) -> Result<Vec<(String, i64)>> {
    let json = read_json(status, body)?;
    let list = json.as_array().ok_or_else(|| invalid(status, "expected a list"))?;
    let mut out = Vec::with_capacity(list.len());
    for entry in list {
        let object = entry.as_object().ok_or_else(|| invalid(status, "expected {id: points} objects"))?;
        for (id, value) in object {
            out.push((id.clone(), points(value).ok_or_else(|| invalid(status, "points are not a number"))?));
        }
    }
    Ok(out)
}

fn points(v: &serde_json::Value) -> Option<i64> {
    match v {
        serde_json::Value::Number(n) => n.as_i64().or_else(|| n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9e15).map(|f| f as i64)),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn invalid(status: u16, reason: &str) -> LoyaltyError {
    LoyaltyError::InvalidResponse { service: "lootly", status, reason: reason.to_string() }
}

/// The JSON of a 200 answer, or the server's refusal as an error (403, 404, 429, …).
fn read_json(status: u16, body: &str) -> Result<serde_json::Value> {
    let json: Option<serde_json::Value> = serde_json::from_str(body).ok();
    if status != 200 {
        let message = json
            .as_ref()
            .and_then(|j| j.get("error").or_else(|| j.get("message")))
            .and_then(|m| m.as_str())
            .map_or_else(|| format!("HTTP {status}"), str::to_string);
        return Err(LoyaltyError::Remote { service: "lootly", status, message });
    }
    json.ok_or_else(|| invalid(status, "not JSON"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lootly::hmac_base64;

    #[test]
    fn the_hmac_is_percent_encoded_in_the_query() {
        let creds = Credentials::new("k y", "s");
        let req = point_balance("a/b", &creds, &Endpoint::default()).unwrap();
        let hmac = hmac_base64(r#"{"key":"k y"}"#, "s");
        let encoded = crate::php::urlencode(&hmac);
        assert_eq!(req.url, format!("https://lootly.io/api/custom/customer/a%2Fb/point-balance?key=k+y&hmac={encoded}"));
        let many = point_balances(&["1", "2"], &creds, &Endpoint::default()).unwrap();
        assert!(many.url.contains("customer_ids=1%2C2&hmac="));
    }

    #[test]
    fn answers_are_read() {
        assert_eq!(read_point_balance(200, r#"{"point_value": 42}"#), Ok(42));
        assert_eq!(read_point_balances(200, r#"[{"1": 5}, {"2": "7"}]"#).unwrap(), vec![("1".into(), 5), ("2".into(), 7)]);
        let e = read_point_balance(403, r#"{"error":"Unauthorized"}"#).unwrap_err();
        assert_eq!((e.code(), e.to_string().contains("Unauthorized")), ("remote_error", true));
        assert_eq!(read_point_balance(200, "<html>").unwrap_err().code(), "invalid_response");
    }
}
