//! Reading an API v3 input (JSON text, decoded as PHP's `json_decode($text)` does, objects kept
//! as objects) and the checks the reference documents, each failure a coded error naming the
//! field as a path (`purchase_detail[2].sku`).

use crate::error::{LoyaltyError, Result};
use crate::php::{json_decode, Mode, Object, Value};
use crate::woowup::validate;

/// An input as the official PHP clients hold it before `json_encode`: JSON text decoded by PHP's
/// rules, objects kept as objects (so `{}` stays `{}`), key order and numbers as PHP keeps them.
pub fn input(text: &str) -> Result<Value> {
    json_decode(text, Mode::Objects)
}

/// The member `name` of an object (the last one wins, as PHP keeps it).
pub(crate) fn member<'a>(object: &'a Object, name: &str) -> Option<&'a Value> {
    object.iter().find(|(k, _)| *k == name).map(|(_, v)| v)
}

/// A present, non-null member.
pub(crate) fn given<'a>(object: &'a Object, name: &str) -> Option<&'a Value> {
    member(object, name).filter(|v| !matches!(v, Value::Null))
}

/// `field` as a path under `at` (`""` is the top level).
pub(crate) fn path(at: &str, field: &str) -> String {
    if at.is_empty() {
        field.to_string()
    } else if field.starts_with('[') {
        format!("{at}{field}")
    } else {
        format!("{at}.{field}")
    }
}

/// The value must be a JSON object.
pub(crate) fn object<'a>(at: &str, value: &'a Value) -> Result<&'a Object> {
    match value {
        Value::Object(o) => Ok(o),
        // An empty PHP array decoded from `[]` is not an object.
        _ => Err(LoyaltyError::invalid(if at.is_empty() { "body" } else { at }, "must be a JSON object")),
    }
}

/// A list (JSON array).
pub(crate) fn list<'a>(at: &str, value: &'a Value) -> Result<Vec<&'a Value>> {
    match value {
        Value::Array(a) if a.is_list() => Ok(a.iter().map(|(_, v)| v).collect()),
        _ => Err(LoyaltyError::invalid(at, "must be a JSON array")),
    }
}

/// A required, non-blank string member of at most `max` characters.
pub(crate) fn text(object: &Object, at: &str, name: &str, max: usize) -> Result<()> {
    match given(object, name) {
        None => Err(LoyaltyError::missing(path(at, name))),
        Some(v) => optional_text(object, at, name, max).and_then(|()| match v {
            Value::Str(s) if s.trim().is_empty() => Err(LoyaltyError::missing(path(at, name))),
            _ => Ok(()),
        }),
    }
}

/// An optional string member (null allowed) of at most `max` characters.
pub(crate) fn optional_text(object: &Object, at: &str, name: &str, max: usize) -> Result<()> {
    match given(object, name) {
        None => Ok(()),
        Some(Value::Str(s)) if s.chars().count() > max => {
            Err(LoyaltyError::invalid(path(at, name), format!("must be at most {max} characters")))
        }
        Some(Value::Str(_)) => Ok(()),
        Some(_) => Err(LoyaltyError::invalid(path(at, name), "must be text")),
    }
}

/// An optional member whose value is one of `allowed`.
pub(crate) fn one_of(object: &Object, at: &str, name: &str, allowed: &[&str]) -> Result<()> {
    match given(object, name) {
        None => Ok(()),
        Some(Value::Str(s)) if allowed.contains(&s.as_str()) => Ok(()),
        Some(_) => Err(LoyaltyError::invalid(path(at, name), format!("must be one of: {}", allowed.join(", ")))),
    }
}

/// An integer (`multipleOf 1`): a JSON integer, or a float without a fraction (`2.0`).
pub(crate) fn is_integer(value: &Value) -> bool {
    match value {
        Value::Int(_) => true,
        Value::Float(f) => f.is_finite() && f.fract() == 0.0,
        _ => false,
    }
}

pub(crate) fn optional_integer(object: &Object, at: &str, name: &str) -> Result<()> {
    match given(object, name) {
        Some(v) if !is_integer(v) => Err(LoyaltyError::invalid(path(at, name), "must be an integer")),
        _ => Ok(()),
    }
}

pub(crate) fn is_number(value: &Value) -> bool {
    matches!(value, Value::Int(_)) || matches!(value, Value::Float(f) if f.is_finite())
}

pub(crate) fn optional_number(object: &Object, at: &str, name: &str) -> Result<()> {
    match given(object, name) {
        Some(v) if !is_number(v) => Err(LoyaltyError::invalid(path(at, name), "must be a number")),
        _ => Ok(()),
    }
}

pub(crate) fn optional_bool(object: &Object, at: &str, name: &str) -> Result<()> {
    match given(object, name) {
        None | Some(Value::Bool(_)) => Ok(()),
        Some(_) => Err(LoyaltyError::invalid(path(at, name), "must be true or false")),
    }
}

pub(crate) fn optional_object(object: &Object, at: &str, name: &str) -> Result<()> {
    match given(object, name) {
        None | Some(Value::Object(_)) => Ok(()),
        Some(_) => Err(LoyaltyError::invalid(path(at, name), "must be a JSON object")),
    }
}

/// The four identities of a customer, in the order the official clients send them.
pub const IDENTITIES: [&str; 4] = ["service_uid", "email", "document", "telephone"];

/// A non-empty identity value: text, or an integer (a document number).
fn identity_value(value: &Value) -> bool {
    match value {
        Value::Str(s) => !s.trim().is_empty(),
        Value::Int(_) => true,
        _ => false,
    }
}

/// At least one of `service_uid`, `email`, `document`, `telephone`; each given one text (or an
/// integer), the email by the library's email rule.
pub(crate) fn identity(object: &Object, at: &str) -> Result<()> {
    let mut any = false;
    for name in IDENTITIES {
        match given(object, name) {
            None => {}
            Some(Value::Str(s)) if s.is_empty() => {} // the official clients send "" for unknown ids
            Some(v) if identity_value(v) => {
                optional_text_or_int(object, at, name)?;
                if let (Value::Str(s), "email") = (v, name) {
                    validate::email(&path(at, name), s)?;
                }
                any = true;
            }
            Some(_) => return Err(LoyaltyError::invalid(path(at, name), "must be non-blank text")),
        }
    }
    if !any {
        return Err(LoyaltyError::missing(path(at, "service_uid|email|document|telephone")));
    }
    Ok(())
}

fn optional_text_or_int(object: &Object, at: &str, name: &str) -> Result<()> {
    match given(object, name) {
        Some(Value::Str(s)) => validate::at_most(&path(at, name), s, validate::MAX_TEXT),
        _ => Ok(()),
    }
}

/// `yyyy-mm-dd`, a real calendar date.
pub(crate) fn date(field: &str, value: &str) -> Result<()> {
    validate::datetime(field, &format!("{value} 00:00:00"))
        .map_err(|_| LoyaltyError::invalid(field, "must be a date yyyy-mm-dd"))
}

/// The reference's two date-time forms: `YYYY-mm-dd HH:mm:ss` (read as UTC) or ISO 8601 with an
/// offset (`2004-02-12T15:19:21+03:00`, `Z`, optional fraction of a second).
pub(crate) fn datetime(field: &str, value: &str) -> Result<()> {
    let bad = || LoyaltyError::invalid(field, "must be yyyy-mm-dd hh:mm:ss (UTC) or ISO 8601 with an offset");
    if value.len() == 19 && value.as_bytes().get(10) == Some(&b' ') {
        return validate::datetime(field, value).map_err(|_| bad());
    }
    let (Some(date), Some(rest)) = (value.get(..10), value.get(11..)) else { return Err(bad()) };
    if value.as_bytes().get(10) != Some(&b'T') || rest.len() < 8 || !rest.is_ascii() {
        return Err(bad());
    }
    let (time, zone) = rest.split_at(8); // no-panic: rest is ASCII and at least 8 bytes long
    validate::datetime(field, &format!("{date} {time}")).map_err(|_| bad())?;
    let zone = match zone.strip_prefix('.') {
        Some(fraction) => {
            let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return Err(bad());
            }
            &fraction[digits..] // no-panic: digits counts ASCII bytes of fraction
        }
        None => zone,
    };
    let b = zone.as_bytes(); // indexed below only when its length is 6
    let offset_ok = zone == "Z"
        || (b.len() == 6
            && (b[0] == b'+' || b[0] == b'-') // no-panic: b.len() == 6 for every index here
            && b[3] == b':'
            && [1, 2, 4, 5].iter().all(|&i| b[i].is_ascii_digit())
            && (b[1] - b'0') * 10 + (b[2] - b'0') <= 14
            && (b[4] - b'0') * 10 + (b[5] - b'0') <= 59);
    if !offset_ok {
        return Err(bad());
    }
    Ok(())
}

/// An optional date-time member in one of the two forms.
pub(crate) fn optional_datetime(object: &Object, at: &str, name: &str) -> Result<()> {
    match given(object, name) {
        None => Ok(()),
        Some(Value::Str(s)) => datetime(&path(at, name), s),
        Some(_) => Err(LoyaltyError::invalid(path(at, name), "must be a date-time text")),
    }
}

/// A page size, as every list endpoint takes it: 1 to 100.
pub(crate) fn limit(limit: u32) -> Result<()> {
    if limit == 0 || limit > MAX_LIMIT {
        return Err(LoyaltyError::invalid("limit", format!("must be from 1 to {MAX_LIMIT}")));
    }
    Ok(())
}

/// The largest page WoowUp serves.
pub const MAX_LIMIT: u32 = 100;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetimes_in_both_forms() {
        for ok in ["2026-11-30 18:05:00", "2026-11-30T18:05:00-03:00", "2004-02-12T15:19:21+03:00", "2024-02-29T00:00:00Z",
            "2024-02-29T00:00:00.123Z", "2024-02-29T00:00:00.5+14:00"]
        {
            assert_eq!(datetime("createtime", ok), Ok(()), "{ok}");
        }
        for bad in ["2026-11-30", "2026-11-30T18:05:00", "2026-11-31T18:05:00Z", "2026-11-30T18:05:00+3:00", "2026-11-30T18:05:00+15:00",
            "2026-11-30T18:05:00.Z", "2026-11-30 18:05:00Z", "2026-11-30T18:05:00+03:00 ", "2026-11-30Tñ8:05:00Z", "", "2026-11-30T18:05"]
        {
            let e = datetime("createtime", bad).unwrap_err();
            assert_eq!((e.code(), e.field()), ("invalid_field", Some("createtime")), "{bad:?}");
        }
        assert_eq!(date("birthdate", "2024-02-29"), Ok(()));
        assert!(date("birthdate", "2023-02-29").is_err());
        assert!(date("birthdate", "2023-02-01 00:00:00").is_err());
    }

    #[test]
    fn identities() {
        let o = |t: &str| match input(t).unwrap() {
            Value::Object(o) => o,
            _ => unreachable!(),
        };
        assert_eq!(identity(&o(r#"{"email": "a@b.c", "document": ""}"#), ""), Ok(()));
        assert_eq!(identity(&o(r#"{"document": 24586932}"#), ""), Ok(()));
        assert_eq!(identity(&o(r#"{"email": "", "service_uid": null}"#), "").unwrap_err().code(), "missing_field");
        assert_eq!(identity(&o(r#"{"email": "nope"}"#), "customer").unwrap_err().field(), Some("customer.email"));
        assert_eq!(identity(&o(r#"{"telephone": ["1"]}"#), "").unwrap_err().field(), Some("telephone"));
    }
}
