//! The answers of Lootly's newer endpoints (its Magento module, 2025): `rewards-list`,
//! `customer` and `redeem-reward`, each `{"data": …}` on a 200. Any other status is the
//! server's refusal, as a `remote_error` with what [`read_response`] makes of it.

use super::order::Id;
use super::read_response;
use crate::error::{LoyaltyError, Result};
use serde::Serialize;
use serde_json::Value as Json;

/// A reward customers can spend points on. Fields the server adds besides these are left out.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Reward {
    /// What [`redeem_reward`](super::redeem_reward) takes.
    pub reward_id: Id,
    pub reward_name: String,
    pub points_required: i64,
    /// The order amount the coupon needs, as the server wrote it (`"50"`, `"49.99"`), when it has one.
    pub minimum_order_amount: Option<String>,
}

/// What `customer` says of one customer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CustomerInfo {
    pub points: i64,
}

/// Reads `{"data": [{reward_id, reward_name, points_required, minimum_order_amount, …}]}`.
pub fn read_rewards_list(status: u16, body: &str) -> Result<Vec<Reward>> {
    let data = data(status, body)?;
    let list = data.as_array().ok_or_else(|| invalid(status, "data is not a list of rewards"))?;
    list.iter()
        .map(|reward| {
            let reward_id = match reward.get("reward_id") {
                Some(Json::Number(n)) => n.as_i64().map(Id::Int),
                Some(Json::String(s)) if !s.is_empty() => Some(Id::Text(s.clone())),
                _ => None,
            }
            .ok_or_else(|| invalid(status, "a reward without a reward_id"))?;
            let reward_name = reward.get("reward_name").and_then(Json::as_str).unwrap_or_default().to_string();
            let points_required =
                reward.get("points_required").and_then(whole).ok_or_else(|| invalid(status, "a reward without numeric points_required"))?;
            let minimum_order_amount = match reward.get("minimum_order_amount") {
                Some(Json::Number(n)) => Some(n.to_string()),
                Some(Json::String(s)) if !s.is_empty() => Some(s.clone()),
                _ => None,
            };
            Ok(Reward { reward_id, reward_name, points_required, minimum_order_amount })
        })
        .collect()
}

/// Reads `{"data": {"points": N, …}}`.
pub fn read_customer_info(status: u16, body: &str) -> Result<CustomerInfo> {
    let data = data(status, body)?;
    let points = data.get("points").and_then(whole).ok_or_else(|| invalid(status, "no numeric points"))?;
    Ok(CustomerInfo { points })
}

/// Reads `{"data": {"data": {"coupon_code": …}}}`: the code to apply at checkout.
pub fn read_redeemed_reward(status: u16, body: &str) -> Result<String> {
    let data = data(status, body)?;
    let code = data.get("data").and_then(|d| d.get("coupon_code")).and_then(Json::as_str);
    match code {
        Some(code) if !code.is_empty() => Ok(code.to_string()),
        _ => Err(invalid(status, "no coupon_code")),
    }
}

/// The `data` member of a 200 answer, or the refusal as an error.
fn data(status: u16, body: &str) -> Result<Json> {
    if status != 200 {
        let reply = read_response(status, body);
        let message = reply.message.unwrap_or_else(|| reply.meaning.as_str().replace('_', " "));
        return Err(LoyaltyError::Remote { service: "lootly", status, message });
    }
    let mut json: Json = serde_json::from_str(body).map_err(|_| invalid(status, "not JSON"))?;
    json.get_mut("data").map(Json::take).ok_or_else(|| invalid(status, "no data member"))
}

/// A whole number of points: an integer, a float without fraction, or such text.
fn whole(v: &Json) -> Option<i64> {
    match v {
        Json::Number(n) => n.as_i64().or_else(|| n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9e15).map(|f| f as i64)),
        Json::String(s) => s.trim().parse().ok().or_else(|| {
            s.trim().parse::<f64>().ok().filter(|f| f.fract() == 0.0 && f.abs() < 9e15).map(|f| f as i64)
        }),
        _ => None,
    }
}

fn invalid(status: u16, reason: &str) -> LoyaltyError {
    LoyaltyError::InvalidResponse { service: "lootly", status, reason: reason.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_read() {
        let list = r#"{"data":[{"reward_id":3,"reward_name":"$5 off","points_required":500,"minimum_order_amount":"20.00","type":"x"},
            {"reward_id":"4","reward_name":"Free shipping","points_required":"250.0","minimum_order_amount":null}]}"#;
        assert_eq!(
            read_rewards_list(200, list).unwrap(),
            vec![
                Reward { reward_id: Id::Int(3), reward_name: "$5 off".into(), points_required: 500, minimum_order_amount: Some("20.00".into()) },
                Reward { reward_id: Id::Text("4".into()), reward_name: "Free shipping".into(), points_required: 250, minimum_order_amount: None },
            ]
        );
        assert_eq!(read_customer_info(200, r#"{"data":{"points":120,"email":"a@b.co"}}"#).unwrap().points, 120);
        assert_eq!(read_redeemed_reward(200, r#"{"data":{"data":{"coupon_code":"LOOT-1"}}}"#).unwrap(), "LOOT-1");
        let refused = read_redeemed_reward(422, r#"{"message":"Not enough points"}"#).unwrap_err();
        assert_eq!((refused.code(), refused.status()), ("remote_error", Some(422)));
        assert!(refused.to_string().contains("Not enough points"));
        assert_eq!(read_customer_info(201, "").unwrap_err().code(), "remote_error");
        assert_eq!(read_rewards_list(200, "<html>").unwrap_err().code(), "invalid_response");
        assert_eq!(read_rewards_list(200, r#"{"data":[{"reward_name":"x"}]}"#).unwrap_err().code(), "invalid_response");
    }
}
