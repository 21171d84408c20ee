//! Products (`/products`, the sku in the path as `urlencode(base64_encode($sku))`), branches
//! (`/branches`, the name in `PUT` as `base64_encode($name)` only) and categories (which have no
//! create call: they ride on `category` of products and items; only deletes exist).

use super::check::{self, given};
use super::client::{encode_branch_name, encode_id};
use super::customers::page_query;
use super::Client;
use crate::error::{LoyaltyError, Result};
use crate::http::{Method, Request};
use crate::php::{Array, Object, Value};
use crate::woowup::validate;

const MAX_NAME: usize = 255;

/// A product (§6.1): `sku` and `name` required; `category` text (1–100 characters) or
/// `{id (1–64), name (1–100), url, image_url}`; `specifications` `[{name, value}]`; numbers for
/// prices and stock; `available` true or false.
pub fn check_product(body: &Value) -> Result<()> {
    let o = check::object("", body)?;
    check::text(o, "", "sku", MAX_NAME)?;
    check::text(o, "", "name", MAX_NAME)?;
    for name in ["base_sku", "base_name", "brand", "url", "image_url", "thumbnail_url", "release_date"] {
        check::optional_text(o, "", name, 2048)?;
    }
    check::optional_text(o, "", "description", validate::MAX_TEXT)?;
    for name in ["price", "offer_price", "stock"] {
        check::optional_number(o, "", name)?;
    }
    check::optional_bool(o, "", "available")?;
    if let Some(category) = given(o, "category") {
        category_at(category, "category")?;
    }
    if let Some(specs) = given(o, "specifications") {
        for (i, s) in check::list("specifications", specs)?.iter().enumerate() {
            let at = format!("specifications[{i}]");
            let s = check::object(&at, s)?;
            check::text(s, &at, "name", MAX_NAME)?;
            check::text(s, &at, "value", MAX_NAME)?;
        }
    }
    check::optional_object(o, "", "metadata")?;
    check::optional_object(o, "", "custom_attributes")
}

/// A category: text of 1 to 100 characters, an object `{id, name, …}`, or a list of those (the
/// category path).
fn category_at(category: &Value, at: &str) -> Result<()> {
    match category {
        Value::Str(s) if !s.trim().is_empty() && s.chars().count() <= 100 => Ok(()),
        Value::Str(_) => Err(LoyaltyError::invalid(at, "must be 1 to 100 characters")),
        Value::Object(c) => {
            check::text(c, at, "id", 64)?;
            check::text(c, at, "name", 100)?;
            check::optional_text(c, at, "url", 2048)?;
            check::optional_text(c, at, "image_url", 2048)
        }
        Value::Array(_) => {
            for (i, c) in check::list(at, category)?.iter().enumerate() {
                category_at(c, &format!("{at}[{i}]"))?;
            }
            Ok(())
        }
        _ => Err(LoyaltyError::invalid(at, "must be text, {id, name} or a list of them")),
    }
}

const BUSINESS_TYPES: [&str; 2] = ["own", "franchisee"];
const FORMATS: [&str; 5] = ["brand_branch", "multibrand_branch", "brand_island", "multibrand_island", "outlet"];

/// A branch (§6.2): `name` required (≤ 128), `description` ≤ 100, `display_name` ≤ 128,
/// `status` active|inactive, `business_type`, `format` from their lists.
pub fn check_branch(body: &Value) -> Result<()> {
    let o = check::object("", body)?;
    check::text(o, "", "name", 128)?;
    check::optional_text(o, "", "description", 100)?;
    check::optional_text(o, "", "display_name", 128)?;
    for name in ["holder", "telephone", "address", "working_hours", "notes", "state", "city"] {
        check::optional_text(o, "", name, MAX_NAME)?;
    }
    if let Some(Value::Str(e)) = given(o, "email") {
        validate::email("email", e)?;
    }
    check::one_of(o, "", "status", &["active", "inactive"])?;
    check::one_of(o, "", "business_type", &BUSINESS_TYPES)?;
    check::one_of(o, "", "format", &FORMATS)?;
    check::optional_bool(o, "", "is_web")
}

impl Client {
    /// `POST /products` ([`check_product`]).
    pub fn create_product(&self, product: &Value) -> Result<Request> {
        check_product(product)?;
        self.json(Method::Post, "/products", product)
    }

    /// `PUT /products/{urlencode(base64(sku))}`; 404 when the sku is unknown (then create it).
    pub fn update_product(&self, sku: &str, product: &Value) -> Result<Request> {
        validate::required("sku", sku)?;
        check_product(product)?;
        self.json(Method::Put, &format!("/products/{}", encode_id(sku)), product)
    }

    /// `GET /products/{urlencode(base64(sku))}`.
    pub fn find_product(&self, sku: &str) -> Result<Request> {
        validate::required("sku", sku)?;
        self.get(&format!("/products/{}", encode_id(sku)), &Array::new())
    }

    /// `GET /products/{urlencode(base64(sku))}/exist` → `payload.exist`.
    pub fn product_exists(&self, sku: &str) -> Result<Request> {
        validate::required("sku", sku)?;
        self.get(&format!("/products/{}/exist", encode_id(sku)), &Array::new())
    }

    /// `GET /products?page&limit&{filters}` (`available=true`, `with_stock=true`… as text).
    pub fn search_products(&self, page: u32, limit: u32, filters: &[(&str, &str)]) -> Result<Request> {
        check::limit(limit)?;
        let mut query = page_query(page, limit);
        for (name, value) in filters {
            if name.is_empty() || matches!(*name, "page" | "limit") {
                return Err(LoyaltyError::invalid("filters", "names must be non-empty and not page or limit"));
            }
            query.set(*name, Value::str(*value));
        }
        self.get("/products", &query)
    }

    /// `GET /branches?page&limit` (WoowUp's default page size here is 10).
    pub fn list_branches(&self, page: u32, limit: u32) -> Result<Request> {
        check::limit(limit)?;
        self.get("/branches", &page_query(page, limit))
    }

    /// `GET /branches/{id}` (WoowUp's numeric id).
    pub fn find_branch(&self, id: u64) -> Result<Request> {
        self.get(&format!("/branches/{id}"), &Array::new())
    }

    /// `POST /branches` ([`check_branch`]).
    pub fn create_branch(&self, branch: &Value) -> Result<Request> {
        check_branch(branch)?;
        self.json(Method::Post, "/branches", branch)
    }

    /// `PUT /branches/{base64(name)}` (see [`encode_branch_name`]).
    pub fn update_branch(&self, name: &str, branch: &Value) -> Result<Request> {
        validate::required("name", name)?;
        check_branch(branch)?;
        self.json(Method::Put, &format!("/branches/{}", encode_branch_name(name)?), branch)
    }

    /// `DELETE /categories` `{code, notify_to}`: a category and its children, asynchronously
    /// (`payload.request_id`); `notify_to` is the email told when it is done.
    pub fn delete_category(&self, code: &str, notify_to: &str) -> Result<Request> {
        validate::required("code", code)?;
        validate::email("notify_to", notify_to)?;
        let body = Object::from_pairs([("code", Value::str(code)), ("notify_to", Value::str(notify_to))]);
        self.json(Method::Delete, "/categories", &Value::Object(body))
    }

    /// `DELETE /categories/bulk` `{notify_to}`: every category, asynchronously.
    pub fn delete_all_categories(&self, notify_to: &str) -> Result<Request> {
        validate::email("notify_to", notify_to)?;
        self.json(Method::Delete, "/categories/bulk", &Value::Object(Object::from_pairs([("notify_to", Value::str(notify_to))])))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::woowup::v3::input;

    #[test]
    fn products_and_branches_are_checked() {
        assert_eq!(check_product(&input(r#"{"sku": "A1", "name": "x", "category": [{"id": "1", "name": "Ropa"}, "Remeras"]}"#).unwrap()), Ok(()));
        let e = check_product(&input(r#"{"sku": "A1", "name": "x", "category": [{"id": "", "name": "Ropa"}]}"#).unwrap()).unwrap_err();
        assert_eq!(e.field(), Some("category[0].id"));
        assert_eq!(check_product(&input(r#"{"sku": "A1"}"#).unwrap()).unwrap_err().field(), Some("name"));
        assert_eq!(check_branch(&input(r#"{"name": "x", "format": "mall"}"#).unwrap()).unwrap_err().field(), Some("format"));
        let long = format!(r#"{{"name": "{}"}}"#, "n".repeat(129));
        assert_eq!(check_branch(&input(&long).unwrap()).unwrap_err().field(), Some("name"));
    }
}
