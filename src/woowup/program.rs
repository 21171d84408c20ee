//! The program itself and its coupons: `contest_sale_points`, `connectedservices`,
//! `coupon_status`.

use super::fields::text_or_integer;
use super::validate;
use super::Client;
use crate::error::{LoyaltyError, Result};
use crate::http::Request;
use crate::php::{Array, Value};
use serde::Deserialize;

/// `coupon_status`'s parameters.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CouponStatus {
    #[serde(deserialize_with = "text_or_integer")]
    pub coupon_id: String,
    /// The new status; [`CouponStatus::USED`] (4) is the one the reference documents.
    pub status: i64,
}

impl CouponStatus {
    /// `4`: the coupon was used.
    pub const USED: i64 = 4;

    /// The coupon was used.
    pub fn used(coupon_id: impl Into<String>) -> Self {
        CouponStatus { coupon_id: coupon_id.into(), status: CouponStatus::USED }
    }
}

impl Client {
    /// `GET /contest_sale_points`: the program's points per currency unit spent.
    pub fn contest_sale_points(&self) -> Result<Request> {
        self.get("contest_sale_points", &Array::new())
    }

    /// `GET /connectedservices`: the services connected to the program (Magento, TiendaNube, …).
    pub fn connectedservices(&self) -> Result<Request> {
        self.get("connectedservices", &Array::new())
    }

    /// `POST /coupon_status` with `coupon_id, status`.
    pub fn coupon_status(&self, params: &CouponStatus) -> Result<Request> {
        validate::required("coupon_id", &params.coupon_id)?;
        if params.status <= 0 {
            return Err(LoyaltyError::invalid("status", "must be a positive status code (4: used)"));
        }
        let form = Array::from_pairs([("coupon_id", Value::str(&params.coupon_id)), ("status", Value::Int(params.status))]);
        self.post_form("coupon_status", &form)
    }
}
