//! The day's files: their columns, the column mapping for files that name them differently, and
//! one CSV record → one typed row.
//!
//! Column names are matched against the header case-insensitively, surrounding spaces ignored;
//! unknown columns are ignored; values are trimmed and an empty value is an absent one. The
//! full description of each file (with examples) is in `docs/batch.md`.

use super::csv::Record;
use crate::decimal::Decimal;
use crate::error::{LoyaltyError, Result};
use crate::woowup::connectors::Entity;
use serde::Deserialize;
use std::collections::BTreeMap;

/// A column of a file: its canonical name and whether the header must have it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub required: bool,
    pub doc: &'static str,
}

const fn col(name: &'static str, required: bool, doc: &'static str) -> Column {
    Column { name, required, doc }
}

/// `customers-YYYY_MM_DD.csv`: one customer per record.
pub const CUSTOMER_COLUMNS: &[Column] = &[
    col("email", true, "the customer's email (required in every row)"),
    col("uid", false, "the customer's id in the program; the email when absent or empty"),
    col("first_name", false, "needed to add a customer WoowUp does not know"),
    col("last_name", false, "needed to add a customer WoowUp does not know"),
    col("branch", false, "branch name, for the statistics only"),
];

/// `purchases-YYYY_MM_DD.csv`: one invoice item per record; the lines of one invoice are
/// consecutive and repeat its invoice-level columns (or leave them empty after the first line).
pub const PURCHASE_COLUMNS: &[Column] = &[
    col("invoice_number", true, "the purchase order number (nrofactura)"),
    col("customer_uid", false, "the customer's id in the program (one of customer_uid, customer_email)"),
    col("customer_email", false, "the customer's email (one of customer_uid, customer_email)"),
    col("customer_first_name", false, "to add an unknown customer, when the run is configured to"),
    col("customer_last_name", false, "to add an unknown customer, when the run is configured to"),
    col("datetime", false, "yyyy-mm-dd hh:mm:ss (also yyyy-mm-ddThh:mm:ss or yyyy-mm-dd)"),
    col("branch", false, "branch name (must exist in WoowUp)"),
    col("total", false, "the invoice total; the sum of quantity × unit_price when absent"),
    col("sku", false, "item: product code (codigo)"),
    col("product_name", false, "item: product name (producto)"),
    col("quantity", false, "item: quantity (cantidad), positive"),
    col("unit_price", false, "item: unit price (precio), not the line total"),
    col("category_code", false, "item: category code (categoryCode)"),
    col("variations", false, "item: name=value pairs separated by | (Color=Rojo|Talle=XS)"),
];

/// `products-YYYY_MM_DD.csv`: one product per record (`save_product`).
pub const PRODUCT_COLUMNS: &[Column] = &[
    col("code", true, "product code"),
    col("name", true, "product name"),
    col("category_id", false, "category id"),
    col("thumbnail_url", false, "thumbnail URL"),
    col("image_url", false, "image URL"),
    col("url", false, "the product's page"),
    col("cost", false, "production cost, decimal"),
];

/// `branches-YYYY_MM_DD.csv`: one branch per record (statistics only: API v2 has no branch
/// endpoint).
pub const BRANCH_COLUMNS: &[Column] = &[col("name", true, "branch name")];

/// The columns of an entity's file.
pub fn columns(entity: Entity) -> &'static [Column] {
    match entity {
        Entity::Customers => CUSTOMER_COLUMNS,
        Entity::Purchases => PURCHASE_COLUMNS,
        Entity::Products => PRODUCT_COLUMNS,
        Entity::Branches => BRANCH_COLUMNS,
    }
}

/// The entity a file holds, from its name: `customers-2019_03_11.csv` → customers (the prefix
/// before the first `-` or `_`, or the whole stem). Paths are allowed (`/exports/…`).
pub fn entity_of_file(name: &str) -> Option<Entity> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let stem = base.strip_suffix(".csv").or_else(|| base.strip_suffix(".CSV")).unwrap_or(base);
    let prefix = stem.split(['-', '_']).next().unwrap_or(stem);
    Entity::parse(&prefix.to_ascii_lowercase())
}

/// How to read files whose layout differs from the defaults. JSON, every key optional:
///
/// ```json
/// {"delimiter": ";", "decimal_separator": ",",
///  "purchases": {"invoice_number": "Nro Factura", "unit_price": "Precio Unitario"},
///  "customers": {"email": "Mail"}}
/// ```
///
/// Each entity maps canonical column names to the header names in the file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// One ASCII character, or `"tab"`. `,` by default.
    #[serde(default)]
    pub delimiter: Option<String>,
    /// `.` (default) or `,`.
    #[serde(default)]
    pub decimal_separator: Option<String>,
    #[serde(default)]
    pub customers: BTreeMap<String, String>,
    #[serde(default)]
    pub purchases: BTreeMap<String, String>,
    #[serde(default)]
    pub products: BTreeMap<String, String>,
    #[serde(default)]
    pub branches: BTreeMap<String, String>,
}

impl Mapping {
    /// Reads and checks a mapping: unknown keys, unknown columns, a bad delimiter or decimal
    /// separator are `invalid_field` errors naming the key.
    pub fn from_json(text: &str) -> Result<Mapping> {
        let mapping: Mapping =
            serde_json::from_str(text).map_err(|e| LoyaltyError::invalid("mapping", format!("not a valid mapping: {e}")))?;
        mapping.check()?;
        Ok(mapping)
    }

    pub fn check(&self) -> Result<()> {
        self.delimiter_byte()?;
        self.decimal_char()?;
        for entity in Entity::ALL {
            for (canonical, header) in self.of(entity) {
                if !columns(entity).iter().any(|c| c.name == canonical) {
                    let known: Vec<_> = columns(entity).iter().map(|c| c.name).collect();
                    return Err(LoyaltyError::invalid(
                        format!("mapping.{entity}.{canonical}"),
                        format!("not a column of {entity} (known: {})", known.join(", ")),
                    ));
                }
                if header.trim().is_empty() {
                    return Err(LoyaltyError::invalid(format!("mapping.{entity}.{canonical}"), "empty header name"));
                }
            }
        }
        Ok(())
    }

    fn of(&self, entity: Entity) -> &BTreeMap<String, String> {
        match entity {
            Entity::Customers => &self.customers,
            Entity::Purchases => &self.purchases,
            Entity::Products => &self.products,
            Entity::Branches => &self.branches,
        }
    }

    /// The field delimiter byte.
    pub fn delimiter_byte(&self) -> Result<u8> {
        match self.delimiter.as_deref() {
            None => Ok(b','),
            Some("tab" | "\t") => Ok(b'\t'),
            Some(d) if d.len() == 1 && d.is_ascii() && !matches!(d, "\"" | "\r" | "\n") => Ok(d.as_bytes()[0]), // no-panic: len 1
            Some(_) => Err(LoyaltyError::invalid("mapping.delimiter", "one ASCII character (not a quote or line break), or \"tab\"")),
        }
    }

    /// The decimal separator.
    pub fn decimal_char(&self) -> Result<char> {
        match self.decimal_separator.as_deref() {
            None | Some(".") => Ok('.'),
            Some(",") => Ok(','),
            Some(_) => Err(LoyaltyError::invalid("mapping.decimal_separator", "\".\" or \",\"")),
        }
    }

    /// The header name looked for, for a canonical column.
    pub fn header_for<'a>(&'a self, entity: Entity, canonical: &'a str) -> &'a str {
        self.of(entity).get(canonical).map(String::as_str).unwrap_or(canonical)
    }
}

/// A header bound to an entity's columns: where each column is, if present.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    pub entity: Entity,
    positions: Vec<Option<usize>>,
    decimal: char,
}

fn same_name(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

impl Header {
    /// Binds the header record. A missing required column, or a column named twice, is an
    /// error for the whole file.
    pub fn bind(entity: Entity, header: &Record, mapping: &Mapping) -> std::result::Result<Header, String> {
        let mut positions = Vec::with_capacity(columns(entity).len());
        for c in columns(entity) {
            let wanted = mapping.header_for(entity, c.name);
            let found: Vec<usize> = header.fields().enumerate().filter(|(_, h)| same_name(h, wanted)).map(|(i, _)| i).collect();
            match found.as_slice() {
                [] if c.required => return Err(format!("the header has no column {wanted:?} ({entity}.{})", c.name)),
                [] => positions.push(None),
                [i] => positions.push(Some(*i)),
                _ => return Err(format!("the header names column {wanted:?} more than once")),
            }
        }
        if entity == Entity::Purchases {
            let has = |name: &str| columns(entity).iter().zip(&positions).any(|(c, p)| c.name == name && p.is_some());
            if !has("customer_uid") && !has("customer_email") {
                return Err("the header has neither customer_uid nor customer_email".into());
            }
        }
        Ok(Header { entity, positions, decimal: mapping.decimal_char().unwrap_or('.') })
    }

    /// Whether the file has this column.
    pub fn has(&self, name: &str) -> bool {
        self.index(name).is_some()
    }

    fn index(&self, name: &str) -> Option<usize> {
        let i = columns(self.entity).iter().position(|c| c.name == name)?;
        *self.positions.get(i)?
    }

    /// The trimmed value of a column in a record; `None` when absent or empty.
    pub fn get<'r>(&self, record: &'r Record, name: &str) -> Option<&'r str> {
        let v = record.get(self.index(name)?)?.trim();
        (!v.is_empty()).then_some(v)
    }

    fn text(&self, record: &Record, name: &str) -> Option<String> {
        self.get(record, name).map(str::to_string)
    }

    fn required(&self, record: &Record, name: &str) -> Result<String> {
        self.text(record, name).ok_or_else(|| LoyaltyError::missing(name))
    }

    fn decimal(&self, record: &Record, name: &str) -> Result<Option<Decimal>> {
        match self.get(record, name) {
            None => Ok(None),
            Some(v) => Decimal::parse_with_separator(v, self.decimal).map(Some).ok_or_else(|| {
                LoyaltyError::invalid(name, format!("{v:?} is not a decimal number (separator {:?})", self.decimal))
            }),
        }
    }

    /// Fields beyond the header's width must be empty (fewer fields are taken as empty ones).
    fn check_width(&self, record: &Record, header_len: usize) -> Result<()> {
        if record.fields().skip(header_len).any(|f| !f.trim().is_empty()) {
            return Err(LoyaltyError::invalid("record", format!("{} fields, the header has {header_len}", record.len())));
        }
        Ok(())
    }
}

/// A customer row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomerRow {
    pub email: String,
    /// Given in the file; the email is used when absent.
    pub uid: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub branch: Option<String>,
}

impl CustomerRow {
    /// The customer's id in the program: `uid`, or the email.
    pub fn key(&self) -> &str {
        self.uid.as_deref().unwrap_or(&self.email)
    }
}

/// One item of a purchase.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemRow {
    pub sku: String,
    pub product_name: String,
    pub quantity: Decimal,
    pub unit_price: Decimal,
    pub category_code: Option<String>,
    pub variations: Vec<(String, String)>,
}

/// One line of the purchases file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PurchaseLine {
    pub invoice_number: String,
    pub customer_uid: Option<String>,
    pub customer_email: Option<String>,
    pub customer_first_name: Option<String>,
    pub customer_last_name: Option<String>,
    pub datetime: Option<String>,
    pub branch: Option<String>,
    pub total: Option<Decimal>,
    /// `None` for a line that only carries invoice-level columns.
    pub item: Option<ItemRow>,
}

/// A whole purchase: consecutive lines with one invoice number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Purchase {
    pub invoice_number: String,
    pub customer_uid: Option<String>,
    pub customer_email: Option<String>,
    pub customer_first_name: Option<String>,
    pub customer_last_name: Option<String>,
    pub datetime: Option<String>,
    pub branch: Option<String>,
    /// The `total` column, or the exact sum of quantity × unit price.
    pub total: Decimal,
    pub items: Vec<ItemRow>,
    /// The physical lines the purchase spans (first line of the first record, first line of
    /// the last record).
    pub first_line: u64,
    pub last_line: u64,
}

/// A product row (`save_product`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProductRow {
    pub code: String,
    pub name: String,
    pub category_id: Option<String>,
    pub thumbnail_url: Option<String>,
    pub image_url: Option<String>,
    pub url: Option<String>,
    pub cost: Option<Decimal>,
}

/// A branch row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BranchRow {
    pub name: String,
}

/// `yyyy-mm-dd hh:mm:ss`, also read from `yyyy-mm-ddThh:mm:ss` and `yyyy-mm-dd` (midnight).
/// Only the shape and the ranges are checked here; WoowUp's calendar check is the builder's.
pub fn normalize_datetime(value: &str) -> Result<String> {
    let bad = || LoyaltyError::invalid("datetime", format!("{value:?}: expected yyyy-mm-dd hh:mm:ss"));
    let full = match value.len() {
        10 => format!("{value} 00:00:00"),
        19 => value.replacen('T', " ", 1),
        _ => return Err(bad()),
    };
    let b = full.as_bytes();
    let shape = b.len() == 19
        && b.iter().enumerate().all(|(i, &c)| match i {
            4 | 7 => c == b'-',
            10 => c == b' ',
            13 | 16 => c == b':',
            _ => c.is_ascii_digit(),
        });
    if !shape {
        return Err(bad());
    }
    let num = |r: std::ops::Range<usize>| full.get(r).and_then(|s| s.parse::<u32>().ok()).unwrap_or(99);
    if !(1..=12).contains(&num(5..7)) || !(1..=31).contains(&num(8..10)) || num(11..13) > 23 || num(14..16) > 59 || num(17..19) > 59 {
        return Err(bad());
    }
    Ok(full)
}

fn variations(text: &str) -> Result<Vec<(String, String)>> {
    text.split('|')
        .filter(|p| !p.trim().is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((n, v)) if !n.trim().is_empty() && !v.trim().is_empty() => Ok((n.trim().to_string(), v.trim().to_string())),
            _ => Err(LoyaltyError::invalid("variations", format!("{pair:?} is not name=value"))),
        })
        .collect()
}

/// Reading a record of a bound file.
impl Header {
    pub fn customer(&self, r: &Record, header_len: usize) -> Result<CustomerRow> {
        self.check_width(r, header_len)?;
        Ok(CustomerRow {
            email: self.required(r, "email")?,
            uid: self.text(r, "uid"),
            first_name: self.text(r, "first_name"),
            last_name: self.text(r, "last_name"),
            branch: self.text(r, "branch"),
        })
    }

    /// The invoice number of a purchases record, even when the rest of it is unreadable.
    pub fn invoice_number(&self, r: &Record) -> Option<String> {
        self.text(r, "invoice_number")
    }

    pub fn purchase_line(&self, r: &Record, header_len: usize) -> Result<PurchaseLine> {
        self.check_width(r, header_len)?;
        let customer_uid = self.text(r, "customer_uid");
        let customer_email = self.text(r, "customer_email");
        let total = self.decimal(r, "total")?;
        if total.is_some_and(Decimal::is_negative) {
            return Err(LoyaltyError::invalid("total", "must not be negative"));
        }
        let item_columns = ["sku", "product_name", "quantity", "unit_price", "category_code", "variations"];
        let item = if item_columns.iter().any(|c| self.get(r, c).is_some()) {
            let quantity = self.decimal(r, "quantity")?.ok_or_else(|| LoyaltyError::missing("quantity"))?;
            if quantity.is_negative() || quantity.is_zero() {
                return Err(LoyaltyError::invalid("quantity", "must be positive"));
            }
            let unit_price = self.decimal(r, "unit_price")?.ok_or_else(|| LoyaltyError::missing("unit_price"))?;
            if unit_price.is_negative() {
                return Err(LoyaltyError::invalid("unit_price", "must not be negative"));
            }
            Some(ItemRow {
                sku: self.required(r, "sku")?,
                product_name: self.required(r, "product_name")?,
                quantity,
                unit_price,
                category_code: self.text(r, "category_code"),
                variations: self.get(r, "variations").map(variations).transpose()?.unwrap_or_default(),
            })
        } else {
            None
        };
        Ok(PurchaseLine {
            invoice_number: self.required(r, "invoice_number")?,
            customer_uid,
            customer_email,
            customer_first_name: self.text(r, "customer_first_name"),
            customer_last_name: self.text(r, "customer_last_name"),
            datetime: self.get(r, "datetime").map(normalize_datetime).transpose()?,
            branch: self.text(r, "branch"),
            total,
            item,
        })
    }

    pub fn product(&self, r: &Record, header_len: usize) -> Result<ProductRow> {
        self.check_width(r, header_len)?;
        let cost = self.decimal(r, "cost")?;
        Ok(ProductRow {
            code: self.required(r, "code")?,
            name: self.required(r, "name")?,
            category_id: self.text(r, "category_id"),
            thumbnail_url: self.text(r, "thumbnail_url"),
            image_url: self.text(r, "image_url"),
            url: self.text(r, "url"),
            cost,
        })
    }

    pub fn branch(&self, r: &Record, header_len: usize) -> Result<BranchRow> {
        self.check_width(r, header_len)?;
        Ok(BranchRow { name: self.required(r, "name")? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::csv::{CsvOptions, CsvReader};

    fn records(text: &str) -> Vec<Record> {
        CsvReader::new(text.as_bytes(), CsvOptions::default()).map(|r| r.unwrap()).collect()
    }

    #[test]
    fn file_names() {
        assert_eq!(entity_of_file("customers-2019_03_11.csv"), Some(Entity::Customers));
        assert_eq!(entity_of_file("/x/y/PURCHASES_2019_03_11.CSV"), Some(Entity::Purchases));
        assert_eq!(entity_of_file("products.csv"), Some(Entity::Products));
        assert_eq!(entity_of_file("branches-1.csv"), Some(Entity::Branches));
        assert_eq!(entity_of_file("orders-2019.csv"), None);
    }

    #[test]
    fn mapping_binds_renamed_columns() {
        let m = Mapping::from_json(r#"{"delimiter":";","decimal_separator":",","customers":{"email":"Mail","uid":"DNI"}}"#).unwrap();
        assert_eq!(m.delimiter_byte().unwrap(), b';');
        let recs = records(" mail ,dni,First_Name\nA@b.c,123,Ana\n");
        let h = Header::bind(Entity::Customers, &recs[0], &m).unwrap();
        let c = h.customer(&recs[1], 3).unwrap();
        assert_eq!((c.email.as_str(), c.key(), c.first_name.as_deref(), c.last_name.as_deref()), ("A@b.c", "123", Some("Ana"), None));
        assert!(!h.has("branch"));
    }

    #[test]
    fn mapping_errors_name_the_key() {
        for (json, field) in [
            (r#"{"customers":{"mail":"x"}}"#, "mapping.customers.mail"),
            (r#"{"delimiter":"ab"}"#, "mapping.delimiter"),
            (r#"{"decimal_separator":";"}"#, "mapping.decimal_separator"),
            (r#"{"purchases":{"sku":" "}}"#, "mapping.purchases.sku"),
        ] {
            assert_eq!(Mapping::from_json(json).unwrap_err().field(), Some(field), "{json}");
        }
        assert_eq!(Mapping::from_json(r#"{"colour":1}"#).unwrap_err().field(), Some("mapping"));
        assert_eq!(Mapping::from_json(r#"{"delimiter":"tab"}"#).unwrap().delimiter_byte().unwrap(), b'\t');
    }

    #[test]
    fn header_errors() {
        let m = Mapping::default();
        let e = |t: &str, entity| Header::bind(entity, &records(t)[0], &m).unwrap_err();
        assert!(e("uid,first_name\n", Entity::Customers).contains("\"email\""));
        assert!(e("email,EMAIL\n", Entity::Customers).contains("more than once"));
        assert!(e("invoice_number,sku\n", Entity::Purchases).contains("customer_uid"));
    }

    #[test]
    fn purchase_lines() {
        let m = Mapping { decimal_separator: Some(",".into()), ..Mapping::default() };
        let recs = records(
            "invoice_number,customer_email,datetime,total,sku,product_name,quantity,unit_price,variations\n\
             F1,a@b.c,2019-03-11T10:00:00,,S1,Soap,2,\"10,30\",Color=Rojo|Talle = XS\n\
             F1,,,,,,,,\n\
             F2,a@b.c,2019-03-11,\"-1\",,,,,\n\
             F3,a@b.c,,,S1,,1,1,\n\
             F4,a@b.c,,,S1,Soap,0,1,\n\
             F5,a@b.c,2019-13-01,,,,,,\n\
             F6,a@b.c,,,S1,Soap,1,1,,extra\n",
        );
        let h = Header::bind(Entity::Purchases, &recs[0], &m).unwrap();
        let n = recs[0].len();
        let l = h.purchase_line(&recs[1], n).unwrap();
        assert_eq!(l.datetime.as_deref(), Some("2019-03-11 10:00:00"));
        let item = l.item.unwrap();
        assert_eq!(item.unit_price.to_string(), "10.30");
        assert_eq!(item.variations, vec![("Color".into(), "Rojo".into()), ("Talle".into(), "XS".into())]);
        assert_eq!(h.purchase_line(&recs[2], n).unwrap().item, None);
        assert_eq!(h.purchase_line(&recs[3], n).unwrap_err().field(), Some("total"));
        assert_eq!(h.purchase_line(&recs[4], n).unwrap_err().field(), Some("product_name"));
        assert_eq!(h.purchase_line(&recs[5], n).unwrap_err().field(), Some("quantity"));
        assert_eq!(h.purchase_line(&recs[6], n).unwrap_err().field(), Some("datetime"));
        assert_eq!(h.purchase_line(&recs[7], n).unwrap_err().field(), Some("record"));
        assert_eq!(h.invoice_number(&recs[7]).as_deref(), Some("F6"));
    }

    #[test]
    fn datetimes() {
        assert_eq!(normalize_datetime("2019-03-11 23:59:59").unwrap(), "2019-03-11 23:59:59");
        for bad in ["2019-03-11 24:00:00", "2019/03/11", "2019-03-11T10:00", "११११-03-11", "2019-00-11"] {
            assert!(normalize_datetime(bad).is_err(), "{bad}");
        }
    }
}
