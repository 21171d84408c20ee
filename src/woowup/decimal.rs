//! Exact decimal numbers for amounts and points: `"19.99"` stays 19.99, never 19.989999….
//!
//! A [`Decimal`] is read from decimal text (`12`, `-3.50`, `1e3`) or from a finite float through
//! its shortest text, holds at most [`Decimal::MAX_DIGITS`] significant digits and
//! [`Decimal::MAX_DIGITS`] decimals, and multiplies exactly. Everything else is a coded error,
//! never a panic.

use crate::error::{LoyaltyError, Result};
use crate::php::Value;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

/// An exact decimal: `mantissa / 10^scale`, normalised (no trailing zeros after the point, zero
/// is `0`), so that equal numbers are equal values.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Decimal {
    mantissa: i128,
    scale: u32,
}

/// The longest decimal text accepted (sign, digits, point and exponent included).
const MAX_TEXT: usize = 64;

impl Decimal {
    /// At most this many significant digits and this many decimals in a parsed number.
    pub const MAX_DIGITS: usize = 18;
    pub const ZERO: Decimal = Decimal { mantissa: 0, scale: 0 };

    fn normalised(mut mantissa: i128, mut scale: u32) -> Decimal {
        if mantissa == 0 {
            return Decimal::ZERO;
        }
        while scale > 0 && mantissa % 10 == 0 {
            mantissa /= 10;
            scale -= 1;
        }
        Decimal { mantissa, scale }
    }

    /// Reads decimal text: an optional `-`, digits, an optional `.digits`, an optional exponent
    /// (`e-3`). No spaces, no `+`, no `NaN`/`Infinity`, no hexadecimal. `field` names the input
    /// in the error.
    pub fn parse(text: &str, field: &str) -> Result<Decimal> {
        let bad = |why: &str| LoyaltyError::invalid(field, format!("{why}; expected decimal text like \"19.99\""));
        if text.is_empty() {
            return Err(LoyaltyError::missing(field));
        }
        if text.len() > MAX_TEXT {
            return Err(bad("too long"));
        }
        let (negative, unsigned) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (number, exponent) = match unsigned.find(['e', 'E']) {
            Some(at) => (&unsigned[..at], Some(&unsigned[at + 1..])), // no-panic: 'e' is one byte
            None => (unsigned, None),
        };
        let (int, frac) = match number.split_once('.') {
            Some((int, frac)) => (int, Some(frac)),
            None => (number, None),
        };
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !all_digits(int) || frac.is_some_and(|f| !all_digits(f)) {
            return Err(bad(&format!("{text:?} is not a decimal number")));
        }
        let exponent: i64 = match exponent {
            None => 0,
            Some(e) => {
                let digits = e.strip_prefix(['-', '+']).unwrap_or(e);
                if !all_digits(digits) || digits.len() > 4 {
                    return Err(bad(&format!("{text:?} has an invalid exponent")));
                }
                e.parse().map_err(|_| bad("invalid exponent"))?
            }
        };
        let frac = frac.unwrap_or("");
        let mut digits: String = int.chars().chain(frac.chars()).skip_while(|&c| c == '0').collect();
        let mut scale = frac.len() as i64 - exponent;
        while scale > 0 && digits.ends_with('0') {
            digits.pop();
            scale -= 1;
        }
        if digits.is_empty() {
            return Ok(Decimal::ZERO);
        }
        if scale < 0 {
            if digits.len() as i64 - scale > Decimal::MAX_DIGITS as i64 {
                return Err(out_of_range(field));
            }
            digits.extend(std::iter::repeat('0').take(scale.unsigned_abs() as usize));
            scale = 0;
        }
        if digits.len() > Decimal::MAX_DIGITS || scale > Decimal::MAX_DIGITS as i64 {
            return Err(out_of_range(field));
        }
        let magnitude: i128 = digits.parse().map_err(|_| out_of_range(field))?;
        Ok(Decimal::normalised(if negative { -magnitude } else { magnitude }, scale as u32))
    }

    /// A finite float, read through its shortest decimal text (`19.99_f64` is exactly 19.99).
    pub fn from_f64(value: f64, field: &str) -> Result<Decimal> {
        if !value.is_finite() {
            return Err(LoyaltyError::NonFiniteNumber { field: field.to_string() });
        }
        // Rust's `Display` for floats is the shortest round-trip text, without an exponent.
        Decimal::parse(&value.to_string(), field)
    }

    pub fn from_i64(value: i64) -> Decimal {
        Decimal::normalised(i128::from(value), 0)
    }

    pub fn is_zero(self) -> bool {
        self.mantissa == 0
    }

    pub fn is_negative(self) -> bool {
        self.mantissa < 0
    }

    /// Whether the number has no fractional part.
    pub fn is_integer(self) -> bool {
        self.scale == 0
    }

    fn pow10(scale: u32) -> i128 {
        10i128.saturating_pow(scale)
    }

    /// The largest integer not above the number.
    pub fn floor(self) -> Decimal {
        let unit = Decimal::pow10(self.scale);
        Decimal::normalised(self.mantissa.div_euclid(unit), 0)
    }

    /// The smallest integer not below the number.
    pub fn ceil(self) -> Decimal {
        let unit = Decimal::pow10(self.scale);
        let q = self.mantissa.div_euclid(unit);
        let r = self.mantissa.rem_euclid(unit);
        Decimal::normalised(if r == 0 { q } else { q + 1 }, 0)
    }

    /// The integer value, when the number is an integer that fits in an `i64`.
    pub fn to_i64(self) -> Option<i64> {
        if self.scale != 0 {
            return None;
        }
        i64::try_from(self.mantissa).ok()
    }

    /// The nearest float (exact for up to 15 significant digits).
    pub fn to_f64(self) -> f64 {
        self.to_string().parse().unwrap_or(0.0)
    }

    /// Whether `|self| <= limit` for a non-negative integer `limit`.
    pub(crate) fn magnitude_at_most(self, limit: i64) -> bool {
        let int_part = self.mantissa.unsigned_abs() / Decimal::pow10(self.scale).unsigned_abs();
        let limit = i128::from(limit).unsigned_abs();
        int_part < limit || (int_part == limit && self.mantissa.unsigned_abs() % Decimal::pow10(self.scale).unsigned_abs() == 0)
    }

    /// The number as PHP holds it in an array that `json_encode` writes: an integer as `int`,
    /// otherwise a `float`. Refused when the float would not print back as the same digits
    /// (more than 15–17 significant digits), so the JSON carries exactly the caller's number.
    pub fn to_php_number(self, field: &str) -> Result<Value> {
        if let Some(int) = self.to_i64() {
            return Ok(Value::Int(int));
        }
        let float = self.to_f64();
        if Decimal::from_f64(float, field).ok() != Some(self) {
            return Err(LoyaltyError::invalid(field, "has more significant digits than a PHP float keeps"));
        }
        Ok(Value::Float(float))
    }
}

fn out_of_range(field: &str) -> LoyaltyError {
    LoyaltyError::invalid(
        field,
        format!("out of range: at most {} significant digits and {} decimals", Decimal::MAX_DIGITS, Decimal::MAX_DIGITS),
    )
}

/// The exact product of two parsed numbers (at most 36 significant digits and 36 decimals:
/// always representable). Products of products saturate rather than panic.
impl std::ops::Mul for Decimal {
    type Output = Decimal;

    fn mul(self, other: Decimal) -> Decimal {
        let mantissa = self.mantissa.saturating_mul(other.mantissa);
        Decimal::normalised(mantissa, self.scale.saturating_add(other.scale))
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.mantissa.unsigned_abs().to_string();
        if self.mantissa < 0 {
            f.write_str("-")?;
        }
        let scale = self.scale as usize;
        if scale == 0 {
            return f.write_str(&digits);
        }
        if digits.len() <= scale {
            f.write_str("0.")?;
            for _ in digits.len()..scale {
                f.write_str("0")?;
            }
            return f.write_str(&digits);
        }
        let (int, frac) = digits.split_at(digits.len() - scale);
        write!(f, "{int}.{frac}")
    }
}

impl fmt::Debug for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Decimal({self})")
    }
}

impl std::str::FromStr for Decimal {
    type Err = LoyaltyError;

    fn from_str(s: &str) -> Result<Decimal> {
        Decimal::parse(s, "")
    }
}

/// Written as its exact decimal text (`"19.99"`), so nothing is lost on the way to JavaScript.
impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Read from decimal text (exact) or from a JSON number (through its shortest text; pass text
/// for more than 15 significant digits).
impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Decimal, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Decimal;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a decimal number or decimal text")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Decimal, E> {
                Decimal::parse(v, "").map_err(de_error)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Decimal, E> {
                Ok(Decimal::from_i64(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Decimal, E> {
                Decimal::parse(&v.to_string(), "").map_err(de_error)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<Decimal, E> {
                Decimal::from_f64(v, "").map_err(de_error)
            }
        }
        d.deserialize_any(V)
    }
}

/// A parse error as a serde message (serde adds the field's name and position).
fn de_error<E: de::Error>(e: LoyaltyError) -> E {
    match e {
        LoyaltyError::InvalidField { reason, .. } => E::custom(reason),
        LoyaltyError::MissingField { .. } => E::custom("empty text is not a number"),
        other => E::custom(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::parse(s, "x").unwrap()
    }

    #[test]
    fn parses_and_prints_exactly() {
        for (text, shown) in [
            ("19.99", "19.99"), ("0", "0"), ("-0", "0"), ("-0.0", "0"), ("007.50", "7.5"), ("1e3", "1000"),
            ("1.5E-2", "0.015"), ("-12.340", "-12.34"), ("0.000000000000000001", "0.000000000000000001"),
            ("999999999999999999", "999999999999999999"), ("10", "10"), ("100.000", "100"),
        ] {
            assert_eq!(d(text).to_string(), shown, "{text}");
        }
        for bad in ["", " 1", "1 ", "+1", "1.", ".5", "NaN", "inf", "Infinity", "0x10", "1e", "1e99999", "--1", "1,5",
            "1e19", "1000000000000000000", "0.0000000000000000001", "1.2.3", "١٢"]
        {
            let e = Decimal::parse(bad, "total").unwrap_err();
            assert_eq!(e.field(), Some("total"), "{bad:?}");
            assert!(matches!(e.code(), "invalid_field" | "missing_field"), "{bad:?}");
        }
    }

    #[test]
    fn floats_are_read_through_their_shortest_text() {
        assert_eq!(Decimal::from_f64(19.99, "p").unwrap(), d("19.99"));
        assert_eq!(Decimal::from_f64(0.1 + 0.2, "p").unwrap(), d("0.30000000000000004"));
        assert_eq!(Decimal::from_f64(f64::NAN, "p").unwrap_err().code(), "non_finite_number");
        assert_eq!(Decimal::from_f64(f64::NEG_INFINITY, "p").unwrap_err().code(), "non_finite_number");
        assert_eq!(Decimal::from_f64(1e300, "p").unwrap_err().code(), "invalid_field");
    }

    #[test]
    fn arithmetic_is_exact() {
        assert_eq!((d("19.99") * d("3")).to_string(), "59.97");
        assert_eq!((d("0.1") * d("0.2")).to_string(), "0.02");
        assert_eq!(d("19.99").floor(), d("19"));
        assert_eq!(d("19.01").ceil(), d("20"));
        assert_eq!(d("-1.5").floor(), d("-2"));
        assert_eq!(d("-1.5").ceil(), d("-1"));
        assert_eq!(d("20").ceil(), d("20"));
        let big = d("999999999999999999");
        assert_eq!((big * big).to_string(), "999999999999999998000000000000000001");
        assert!(d("9007199254740991").magnitude_at_most(9007199254740991));
        assert!(!d("9007199254740991.5").magnitude_at_most(9007199254740991));
    }

    #[test]
    fn php_numbers_keep_the_digits() {
        assert_eq!(d("2").to_php_number("q").unwrap(), Value::Int(2));
        assert_eq!(d("10.3").to_php_number("q").unwrap(), Value::Float(10.3));
        assert_eq!(d("0.123456789012345678").to_php_number("q").unwrap_err().code(), "invalid_field");
    }

    #[test]
    fn serde_reads_numbers_and_text() {
        let v: Vec<Decimal> = serde_json::from_str(r#"[19.99, "19.99", 5, -3, 1e2]"#).unwrap();
        assert_eq!(v, vec![d("19.99"), d("19.99"), d("5"), d("-3"), d("100")]);
        assert!(serde_json::from_str::<Decimal>(r#""NaN""#).is_err());
        assert!(serde_json::from_str::<Decimal>("true").is_err());
        assert_eq!(serde_json::to_string(&d("19.99")).unwrap(), r#""19.99""#);
    }
}
