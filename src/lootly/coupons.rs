//! The coupon-codes file of Lootly's spending rewards: a CSV with one column of codes.

use crate::error::{LoyaltyError, Result};
use std::collections::HashSet;

/// One code per line (`\n`-terminated, no header), quoted as RFC 4180 requires when a code holds
/// a comma, a quote, a line break or surrounding spaces. Empty and repeated codes are refused:
/// each would be a reward that cannot be redeemed, or one redeemed twice.
pub fn coupon_csv<S: AsRef<str>>(codes: &[S]) -> Result<String> {
    let mut seen = HashSet::with_capacity(codes.len());
    let mut csv = String::new();
    for (i, code) in codes.iter().enumerate() {
        let code = code.as_ref();
        let field = || format!("codes[{i}]");
        if code.trim().is_empty() {
            return Err(LoyaltyError::invalid(field(), "a coupon code cannot be empty"));
        }
        if !seen.insert(code) {
            return Err(LoyaltyError::Duplicate { field: field(), value: code.to_string() });
        }
        let quote = code.contains([',', '"', '\r', '\n']) || code.trim() != code;
        if quote {
            csv.push('"');
            csv.push_str(&code.replace('"', "\"\""));
            csv.push('"');
        } else {
            csv.push_str(code);
        }
        csv.push('\n');
    }
    Ok(csv)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_quoted_where_needed() {
        assert_eq!(coupon_csv(&["A1", "b,2", "say \"hi\"", " pad"]).unwrap(), "A1\n\"b,2\"\n\"say \"\"hi\"\"\"\n\" pad\"\n");
    }

    #[test]
    fn empty_and_duplicate_codes_are_refused() {
        assert_eq!(coupon_csv(&["A", " "]).unwrap_err().field(), Some("codes[1]"));
        let e = coupon_csv(&["A", "B", "A"]).unwrap_err();
        assert_eq!((e.code(), e.field()), ("duplicate", Some("codes[2]")));
    }
}
