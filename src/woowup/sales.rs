//! Points and purchases: `add_points_by_uid`, `add_sale_points_by_uid`, `cancel_invoice`,
//! `transactions`.
//!
//! The form bodies start with `app_id`, as the reference's parameter tables list it and as
//! WoowUp's PHP client sends it (the page's curl samples leave it out; the URL carries it too).

use crate::decimal::Decimal;
use super::fields::{opt_text_or_integer, text_or_integer};
use super::invoice::{factura_json, InvoiceItem};
use super::points::MAX_POINTS;
use super::validate;
use super::Client;
use crate::error::{LoyaltyError, Result};
use crate::http::Request;
use crate::php::{Array, Value};
use serde::Deserialize;

/// `add_points_by_uid`'s parameters (WoowUp calls the user id `userapp_id` here; it is the
/// user's uid, the email by default).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddPointsByUid {
    #[serde(deserialize_with = "text_or_integer")]
    pub userapp_id: String,
    /// Points to add; negative to subtract.
    pub points: Decimal,
    /// The concept id; the reference says to always send 3.
    #[serde(default)]
    pub concept: Option<i64>,
    /// A short text shown with the transaction ("Thanks for being with us for 1 year!").
    #[serde(default)]
    pub description: Option<String>,
    /// The branch where it happened (it must exist in WoowUp).
    #[serde(default)]
    pub branch: Option<String>,
}

/// `add_sale_points_by_uid`'s parameters: a purchase and the points it earns.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddSalePointsByUid {
    /// The user id (the email by default): `service_uid` from `user_by_email`/`user_by_uid`.
    #[serde(deserialize_with = "text_or_integer")]
    pub uid: String,
    /// Points to give (see [`super::points`]); negative to subtract.
    pub points: Decimal,
    /// The purchase order number.
    #[serde(deserialize_with = "text_or_integer")]
    pub nrofactura: String,
    /// The order detail; sent as JSON in one form field, left out when empty.
    #[serde(default)]
    pub factura: Vec<InvoiceItem>,
    /// The branch where the purchase happened (it must exist in WoowUp).
    #[serde(default)]
    pub branch: Option<String>,
    /// When the purchase happened, `yyyy-mm-dd hh:mm:ss`; WoowUp uses the current time without it.
    #[serde(default, deserialize_with = "opt_text_or_integer")]
    pub datetime: Option<String>,
}

pub(crate) fn check_points(points: Decimal) -> Result<()> {
    if !points.magnitude_at_most(MAX_POINTS) {
        return Err(LoyaltyError::invalid("points", format!("more than {MAX_POINTS} points")));
    }
    Ok(())
}

impl AddSalePointsByUid {
    /// The form fields in order, validated, with `factura` already encoded as JSON text.
    pub(crate) fn form_with(&self, app_id: &str, factura: Option<&str>) -> Result<Array> {
        validate::required("uid", &self.uid)?;
        check_points(self.points)?;
        validate::required("nrofactura", &self.nrofactura)?;
        validate::optional("branch", self.branch.as_deref())?;
        if let Some(datetime) = &self.datetime {
            validate::datetime("datetime", datetime)?;
        }
        let mut form = Array::from_pairs([
            ("app_id", Value::str(app_id)),
            ("uid", Value::str(&self.uid)),
            ("points", Value::Str(self.points.to_string())),
            ("nrofactura", Value::str(&self.nrofactura)),
        ]);
        if let Some(factura) = factura {
            form.set("factura", Value::str(factura));
        }
        if let Some(branch) = &self.branch {
            form.set("branch", Value::str(branch));
        }
        if let Some(datetime) = &self.datetime {
            form.set("datetime", Value::str(datetime));
        }
        Ok(form)
    }
}

/// The encoded `factura` field, or `None` for an empty order detail.
pub(crate) fn factura_field(items: &[InvoiceItem]) -> Result<Option<String>> {
    if items.is_empty() {
        return Ok(None);
    }
    factura_json(items).map(Some)
}

impl Client {
    /// `POST /add_points_by_uid` with `app_id, userapp_id, points[, concept][, description][, branch]`.
    pub fn add_points_by_uid(&self, params: &AddPointsByUid) -> Result<Request> {
        validate::required("userapp_id", &params.userapp_id)?;
        check_points(params.points)?;
        validate::optional("description", params.description.as_deref())?;
        validate::optional("branch", params.branch.as_deref())?;
        let mut form = Array::from_pairs([
            ("app_id", Value::str(self.app_id())),
            ("userapp_id", Value::str(&params.userapp_id)),
            ("points", Value::Str(params.points.to_string())),
        ]);
        if let Some(concept) = params.concept {
            form.set("concept", Value::Int(concept));
        }
        if let Some(description) = &params.description {
            form.set("description", Value::str(description));
        }
        if let Some(branch) = &params.branch {
            form.set("branch", Value::str(branch));
        }
        self.post_form("add_points_by_uid", &form)
    }

    /// `POST /add_sale_points_by_uid` with `app_id, uid, points, nrofactura[, factura][, branch][, datetime]`,
    /// `factura` being `json_encode` of the order detail.
    pub fn add_sale_points_by_uid(&self, params: &AddSalePointsByUid) -> Result<Request> {
        let factura = factura_field(&params.factura)?;
        let form = params.form_with(self.app_id(), factura.as_deref())?;
        self.post_form("add_sale_points_by_uid", &form)
    }

    /// `POST /cancel_invoice` with `app_id, nrofactura`: cancels a purchase and reverts its points.
    pub fn cancel_invoice(&self, nrofactura: &str) -> Result<Request> {
        validate::required("nrofactura", nrofactura)?;
        let form = Array::from_pairs([("app_id", Value::str(self.app_id())), ("nrofactura", Value::str(nrofactura))]);
        self.post_form("cancel_invoice", &form)
    }

    /// `GET /transactions?userapp_id=…`: a user's point transactions (a bare JSON array).
    pub fn transactions(&self, userapp_id: &str) -> Result<Request> {
        validate::required("userapp_id", userapp_id)?;
        self.get("transactions", &Array::from_pairs([("userapp_id", Value::str(userapp_id))]))
    }
}
