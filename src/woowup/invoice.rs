//! The order detail of `add_sale_points_by_uid` (`factura`): a typed list of items, written as
//! JSON by PHP's `json_encode` and sent inside one form field, as WoowUp's PHP client does.
//!
//! `precio` is the **unit price**, as the API reference says (one connector guide calls it the
//! line total; the reference page is the contract). `cantidad` is the quantity (positive, may be
//! fractional for goods sold by weight); both are written as JSON numbers (`2`, `10.3`).

use crate::decimal::Decimal;
use super::fields::{opt_text_or_integer, text_or_integer};
use super::validate::{self, MAX_ITEMS};
use crate::error::{LoyaltyError, Result};
use crate::php::{json_encode, Array, Value};
use serde::Deserialize;

/// The largest `factura` JSON accepted: 4 MiB.
pub const MAX_FACTURA: usize = 4 * 1024 * 1024;

/// One line of the order detail, with WoowUp's field names.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvoiceItem {
    /// The product code (SKU); an integer is taken as its text.
    #[serde(deserialize_with = "text_or_integer")]
    pub codigo: String,
    /// The product name.
    pub producto: String,
    /// The quantity: positive.
    pub cantidad: Decimal,
    /// The unit price (not the line total): zero or positive.
    pub precio: Decimal,
    /// The branch where the item was sold (it must exist in WoowUp).
    #[serde(default)]
    pub branch: Option<String>,
    /// The product's category code.
    #[serde(default, rename = "categoryCode", deserialize_with = "opt_text_or_integer")]
    pub category_code: Option<String>,
    /// Variations such as `{"name": "Color", "value": "Rojo"}`.
    #[serde(default)]
    pub variations: Vec<Variation>,
}

/// A product variation: `{"name": "Talle", "value": "XS"}`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variation {
    pub name: String,
    #[serde(deserialize_with = "text_or_integer")]
    pub value: String,
}

impl InvoiceItem {
    /// An item with the four required fields.
    pub fn new(codigo: impl Into<String>, producto: impl Into<String>, cantidad: Decimal, precio: Decimal) -> Self {
        InvoiceItem {
            codigo: codigo.into(),
            producto: producto.into(),
            cantidad,
            precio,
            branch: None,
            category_code: None,
            variations: Vec::new(),
        }
    }

    /// The item as the PHP array WoowUp's client builds: `codigo, producto, cantidad, precio`,
    /// then `branch`, `categoryCode`, `variations` when present.
    fn to_php(&self) -> Result<Value> {
        validate::required("codigo", &self.codigo)?;
        validate::required("producto", &self.producto)?;
        if self.cantidad.is_negative() || self.cantidad.is_zero() {
            return Err(LoyaltyError::invalid("cantidad", "must be a positive quantity"));
        }
        if self.precio.is_negative() {
            return Err(LoyaltyError::invalid("precio", "must not be negative (it is the unit price)"));
        }
        validate::optional("branch", self.branch.as_deref())?;
        validate::optional("categoryCode", self.category_code.as_deref())?;
        let mut item = Array::from_pairs([
            ("codigo", Value::str(&self.codigo)),
            ("producto", Value::str(&self.producto)),
            ("cantidad", self.cantidad.to_php_number("cantidad")?),
            ("precio", self.precio.to_php_number("precio")?),
        ]);
        if let Some(branch) = &self.branch {
            item.set("branch", Value::str(branch));
        }
        if let Some(code) = &self.category_code {
            item.set("categoryCode", Value::str(code));
        }
        if !self.variations.is_empty() {
            let mut list = Vec::with_capacity(self.variations.len());
            for (i, v) in self.variations.iter().enumerate() {
                let at = |e: LoyaltyError| e.within(&format!("variations[{i}]"));
                validate::required("name", &v.name).map_err(at)?;
                validate::required("value", &v.value).map_err(at)?;
                list.push(Value::Array(Array::from_pairs([("name", Value::str(&v.name)), ("value", Value::str(&v.value))])));
            }
            item.set("variations", Value::Array(Array::list(list)));
        }
        Ok(Value::Array(item))
    }
}

/// `json_encode($orderDetail)` of the items, validated; errors name `factura[i].field`.
pub fn factura_json(items: &[InvoiceItem]) -> Result<String> {
    if items.len() > MAX_ITEMS {
        return Err(LoyaltyError::invalid("factura", format!("more than {MAX_ITEMS} items")));
    }
    let mut list = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        list.push(item.to_php().map_err(|e| e.within(&format!("factura[{i}]")))?);
    }
    let json = json_encode(&Value::Array(Array::list(list)))?;
    validate::at_most("factura", &json, MAX_FACTURA)?;
    Ok(json)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::parse(s, "").unwrap()
    }

    #[test]
    fn items_are_written_as_php_writes_them() {
        let mut a = InvoiceItem::new("12", "prod1", d("2"), d("10.3"));
        a.branch = Some("branch 1".into());
        a.category_code = Some("A/1".into());
        a.variations = vec![Variation { name: "Color".into(), value: "Rojo".into() }];
        let b = InvoiceItem::new("13", "Café", d("1.5"), d("0"));
        assert_eq!(
            factura_json(&[a, b]).unwrap(),
            r#"[{"codigo":"12","producto":"prod1","cantidad":2,"precio":10.3,"branch":"branch 1","categoryCode":"A\/1","variations":[{"name":"Color","value":"Rojo"}]},{"codigo":"13","producto":"Caf\u00e9","cantidad":1.5,"precio":0}]"#
        );
        assert_eq!(factura_json(&[]).unwrap(), "[]");
    }

    #[test]
    fn bad_items_name_their_field() {
        let check = |item: InvoiceItem, code: &str, field: &str| {
            let e = factura_json(&[InvoiceItem::new("1", "p", d("1"), d("1")), item]).unwrap_err();
            assert_eq!((e.code(), e.field()), (code, Some(field)));
        };
        check(InvoiceItem::new("1", "p", d("-1"), d("1")), "invalid_field", "factura[1].cantidad");
        check(InvoiceItem::new("1", "p", d("0"), d("1")), "invalid_field", "factura[1].cantidad");
        check(InvoiceItem::new("1", "p", d("1"), d("-0.01")), "invalid_field", "factura[1].precio");
        check(InvoiceItem::new("", "p", d("1"), d("1")), "missing_field", "factura[1].codigo");
        check(InvoiceItem::new("1", "x".repeat(10 << 20), d("1"), d("1")), "too_large", "factura[1].producto");
        let mut v = InvoiceItem::new("1", "p", d("1"), d("1"));
        v.variations = vec![Variation { name: "Color".into(), value: " ".into() }];
        check(v, "missing_field", "factura[1].variations[0].value");
    }
}
