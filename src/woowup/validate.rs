//! Checks shared by the builders: required text, size limits, emails, WoowUp's datetime format.
//! Each failure is a coded error naming the field.

use crate::error::{LoyaltyError, Result};

/// The largest single text field accepted (names, codes, descriptions, messages): 64 KiB.
pub const MAX_TEXT: usize = 64 * 1024;
/// The largest transactional email body accepted: 1 MiB.
pub const MAX_EMAIL_BODY: usize = 1024 * 1024;
/// The most items in one order detail (`factura`) or recipients in one email.
pub const MAX_ITEMS: usize = 10_000;
/// The longest email address (RFC 5321's path limit).
const MAX_EMAIL: usize = 254;

/// A text that must be present: not empty or blank, at most [`MAX_TEXT`] bytes.
pub(crate) fn required(field: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(LoyaltyError::missing(field));
    }
    at_most(field, value, MAX_TEXT)
}

/// An optional text: when given, the same rules as [`required`] (leave it out rather than send
/// an empty value: WoowUp would look for a branch named "").
pub(crate) fn optional(field: &str, value: Option<&str>) -> Result<()> {
    match value {
        None => Ok(()),
        Some(v) if v.trim().is_empty() => Err(LoyaltyError::invalid(field, "must not be empty; leave it out instead")),
        Some(v) => at_most(field, v, MAX_TEXT),
    }
}

pub(crate) fn at_most(field: &str, value: &str, limit: usize) -> Result<()> {
    if value.len() > limit {
        return Err(LoyaltyError::TooLarge { field: field.to_string(), limit });
    }
    Ok(())
}

/// An email address by WoowUp's rule in this project (the emulator's `isWoowUpEmail` is the same
/// rule, checked against this one by tests/woowup_v3_emulator.rs):
/// - at most 254 bytes of UTF-8 (RFC 5321's path limit);
/// - split at the **last** `@` into a non-empty local part and a non-empty domain;
/// - the domain's dot-separated labels are all non-empty (no leading, trailing or double dot);
/// - no whitespace (Unicode `White_Space`) and no control character (`Cc`) anywhere;
/// - anything else is accepted as is: non-ASCII in either part (internationalised addresses), a
///   quoted local part (`"john..doe"@example.com`, `"a@b"@example.com`), `+` tags.
///
/// It refuses what cannot be an address and leaves deliverability to WoowUp.
pub(crate) fn email(field: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(LoyaltyError::missing(field));
    }
    if value.len() > MAX_EMAIL {
        return Err(LoyaltyError::TooLarge { field: field.to_string(), limit: MAX_EMAIL });
    }
    let plausible = match value.rsplit_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.split('.').all(|label| !label.is_empty())
                && !value.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    };
    if !plausible {
        return Err(LoyaltyError::invalid(field, "is not an email address"));
    }
    Ok(())
}

/// WoowUp's `datetime`: exactly `yyyy-mm-dd hh:mm:ss`, a real calendar date (leap years
/// included), hours 00–23, minutes and seconds 00–59.
pub(crate) fn datetime(field: &str, value: &str) -> Result<()> {
    let bad = |why: &str| LoyaltyError::invalid(field, format!("{why}; expected yyyy-mm-dd hh:mm:ss"));
    let b = value.as_bytes();
    let shape_ok = b.len() == 19
        && b.iter().enumerate().all(|(i, &c)| match i {
            4 | 7 => c == b'-',
            10 => c == b' ',
            13 | 16 => c == b':',
            _ => c.is_ascii_digit(),
        });
    if !shape_ok {
        return Err(bad(&format!("{:?} is not in the format", value.chars().take(40).collect::<String>())));
    }
    let num = |from: usize, to: usize| b[from..to].iter().fold(0u32, |n, &c| n * 10 + u32::from(c - b'0'));
    let (year, month, day) = (num(0, 4), num(5, 7), num(8, 10));
    let (hour, minute, second) = (num(11, 13), num(14, 16), num(17, 19));
    if year == 0 {
        return Err(bad("year 0000 does not exist"));
    }
    if !(1..=12).contains(&month) {
        return Err(bad(&format!("month {month:02} does not exist")));
    }
    if day == 0 || day > days_in_month(year, month) {
        return Err(bad(&format!("{year:04}-{month:02} has no day {day:02}")));
    }
    if hour > 23 || minute > 59 || second > 59 {
        return Err(bad(&format!("{hour:02}:{minute:02}:{second:02} is not a time of day")));
    }
    Ok(())
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetimes() {
        for ok in ["2023-02-28 10:00:00", "2024-02-29 23:59:59", "2000-02-29 00:00:00", "0001-01-01 00:00:00"] {
            assert_eq!(datetime("datetime", ok), Ok(()), "{ok}");
        }
        for bad in ["2023-02-30 10:00:00", "2023-1-5", "2023-01-05", "2023-01-05T10:00:00", "2100-02-29 10:00:00",
            "2023-13-01 10:00:00", "2023-00-10 10:00:00", "2023-04-31 10:00:00", "2023-01-01 24:00:00",
            "2023-01-01 10:60:00", "2023-01-01 10:00:60", "0000-01-01 00:00:00", "2023-01-01 10:00:00 ",
            "２０２３-01-01 10:00:00", "", "2023-01-01 10:00:0\u{e9}"]
        {
            let e = datetime("datetime", bad).unwrap_err();
            assert_eq!((e.code(), e.field()), ("invalid_field", Some("datetime")), "{bad:?}");
        }
    }

    #[test]
    fn emails() {
        for ok in ["a@b", "john+tag@doe.com", "ñandú@ejemplo.com.ar", "\"john..doe\"@example.com", "\"a@b\"@example.com", "用户@例子.广告"] {
            assert_eq!(email("email", ok), Ok(()));
        }
        assert_eq!(email("email", "").unwrap_err().code(), "missing_field");
        assert_eq!(email("email", "   ").unwrap_err().code(), "missing_field");
        for bad in ["john", "@doe.com", "john@", "john doe@x.com", "a@b.", "a@\n.com", "a@.b", "a@b..c", "\"john doe\"@x.com", "a\u{85}@b", "a\u{a0}@b"] {
            assert_eq!(email("email", bad).unwrap_err().code(), "invalid_field", "{bad:?}");
        }
        assert_eq!(email("email", &format!("{}@x.com", "a".repeat(300))).unwrap_err().code(), "too_large");
    }

    #[test]
    fn texts() {
        assert_eq!(required("uid", " ").unwrap_err().code(), "missing_field");
        assert_eq!(required("uid", &"x".repeat(MAX_TEXT + 1)).unwrap_err().code(), "too_large");
        assert_eq!(optional("branch", Some("")).unwrap_err().code(), "invalid_field");
        assert_eq!(optional("branch", None), Ok(()));
    }
}
