//! Exact decimal numbers for prices, quantities, revenue and points: a 128-bit integer of units
//! and a scale (the number of digits after the point). `"19.99"` stays 19.99, never
//! 19.989999…, and sums of a million prices stay exact; floats would drift (`0.1 + 0.2 != 0.3`).
//! Every operation is checked and reports overflow instead of wrapping or panicking.
//!
//! Two readers of text, each with the limits its callers have always had:
//! - [`Decimal::parse`]: API input (`12`, `-3.50`, `1e3`), at most [`Decimal::MAX_DIGITS`]
//!   significant digits and as many decimals, normalised, coded errors naming the field. Also
//!   `FromStr`, serde (from text or a JSON number) and [`Decimal::from_f64`].
//! - [`Decimal::parse_with_separator`]: the batch files' amounts (`12,50`, `.5`, `+3`), at most
//!   [`MAX_PARSE_SCALE`] decimals and 28 digits, scale kept, `None` when refused.

use crate::error::{LoyaltyError, Result};
use crate::php::Value;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

/// The most digits after the point [`Decimal::parse_with_separator`] accepts.
pub const MAX_PARSE_SCALE: u32 = 9;
/// The most digits after the point a [`Decimal::checked_mul`] result keeps (a product of two
/// amounts read by [`Decimal::parse_with_separator`]).
pub const MAX_SCALE: u32 = 2 * MAX_PARSE_SCALE;
/// The most digits [`Decimal::parse_with_separator`] accepts, before and after the point.
const MAX_PARSE_DIGITS: usize = 28;
/// The longest text [`Decimal::parse`] accepts (sign, digits, point and exponent included).
const MAX_TEXT: usize = 64;
/// The most digits after the point any [`Decimal`] holds: 10^38 is the largest power of ten an
/// `i128` holds, so every value splits into an integer part and a fraction without overflow.
const SCALE_LIMIT: u32 = 38;

/// An exact decimal number: `units / 10^scale`, with `scale <= SCALE_LIMIT` (every constructor
/// keeps it so). Equality, order and hashing are by value: `10.5 == 10.50`.
#[derive(Clone, Copy, Default)]
pub struct Decimal {
    units: i128,
    scale: u32,
}

impl Decimal {
    /// At most this many significant digits and this many decimals in a number read by
    /// [`Decimal::parse`] (or accepted by [`Decimal::check_limits`]).
    pub const MAX_DIGITS: usize = 18;
    pub const ZERO: Decimal = Decimal { units: 0, scale: 0 };

    pub fn from_i64(value: i64) -> Decimal {
        Decimal { units: i128::from(value), scale: 0 }
    }

    /// Reads decimal text: an optional `-`, digits, an optional `.digits`, an optional exponent
    /// (`e-3`). No spaces, no `+`, no `NaN`/`Infinity`, no hexadecimal. At most
    /// [`Decimal::MAX_DIGITS`] significant digits and as many decimals; the result is
    /// normalised (`007.50` is `7.5`). `field` names the input in the error.
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
        if scale > Decimal::MAX_DIGITS as i64 {
            return Err(out_of_range(field));
        }
        // More digits than an i128 holds fail here, fewer but too many in check_limits.
        let magnitude: i128 = digits.parse().map_err(|_| out_of_range(field))?;
        Decimal { units: if negative { -magnitude } else { magnitude }, scale: scale as u32 }.check_limits(field)
    }

    /// A finite float, read through its shortest decimal text (`19.99_f64` is exactly 19.99),
    /// within [`Decimal::parse`]'s limits.
    pub fn from_f64(value: f64, field: &str) -> Result<Decimal> {
        if !value.is_finite() {
            return Err(LoyaltyError::NonFiniteNumber { field: field.to_string() });
        }
        // Rust's `Display` for floats is the shortest round-trip text, without an exponent.
        Decimal::parse(&value.to_string(), field)
    }

    /// This number normalised, when [`Decimal::parse`] would accept it: at most
    /// [`Decimal::MAX_DIGITS`] significant digits and as many decimals. Otherwise the same
    /// `invalid_field` error naming `field`.
    pub fn check_limits(self, field: &str) -> Result<Decimal> {
        let n = self.normalized();
        if n.scale as usize > Decimal::MAX_DIGITS || n.units.unsigned_abs() >= 10u128.pow(Decimal::MAX_DIGITS as u32) {
            return Err(out_of_range(field));
        }
        Ok(n)
    }

    /// Parses `-12.50`, `12`, `.5`, `+3.` with `separator` as the decimal point (`.` or `,`), as
    /// the batch files write amounts. No exponent, no thousands separators, surrounding spaces
    /// allowed, at most [`MAX_PARSE_SCALE`] digits after the point and 28 digits in all. The
    /// scale is kept (`12.50` prints as `12.50`).
    pub fn parse_with_separator(text: &str, separator: char) -> Option<Decimal> {
        let t = text.trim();
        let (neg, t) = match t.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, t.strip_prefix('+').unwrap_or(t)),
        };
        let (int, frac) = t.split_once(separator).unwrap_or((t, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if (int.is_empty() && frac.is_empty()) || !digits(int) || !digits(frac) {
            return None;
        }
        if frac.len() > MAX_PARSE_SCALE as usize || int.len() + frac.len() > MAX_PARSE_DIGITS {
            return None;
        }
        let mut units: i128 = 0;
        for b in int.bytes().chain(frac.bytes()) {
            units = units.checked_mul(10)?.checked_add(i128::from(b - b'0'))?;
        }
        Some(Decimal { units: if neg { -units } else { units }, scale: frac.len() as u32 })
    }

    /// `10^scale`, the value of one unit's worth of integer.
    fn unit(self) -> i128 {
        10i128.pow(self.scale) // no-panic: scale <= SCALE_LIMIT, and 10^38 < i128::MAX
    }

    /// The units at a larger `scale`; `None` when they do not fit.
    fn rescale(self, scale: u32) -> Option<i128> {
        self.units.checked_mul(10i128.checked_pow(scale.checked_sub(self.scale)?)?)
    }

    /// The integer part and the fraction, both with the value's sign, the fraction counted in
    /// units of 10^-38: an exact key for comparing and hashing values of any scale.
    fn split(self) -> (i128, i128) {
        let unit = self.unit();
        // no-panic: |units % unit| < 10^scale, so the product is below 10^38.
        (self.units / unit, (self.units % unit) * 10i128.pow(SCALE_LIMIT - self.scale))
    }

    pub fn checked_add(self, other: Decimal) -> Option<Decimal> {
        let scale = self.scale.max(other.scale);
        Some(Decimal { units: self.rescale(scale)?.checked_add(other.rescale(scale)?)?, scale })
    }

    pub fn checked_sub(self, other: Decimal) -> Option<Decimal> {
        self.checked_add(Decimal { units: other.units.checked_neg()?, scale: other.scale })
    }

    /// The exact product with the operands' scales added (`10.30 × 3` is `30.90`); `None` beyond
    /// [`MAX_SCALE`] digits after the point or when the units overflow.
    pub fn checked_mul(self, other: Decimal) -> Option<Decimal> {
        let scale = self.scale + other.scale;
        if scale > MAX_SCALE {
            return None;
        }
        Some(Decimal { units: self.units.checked_mul(other.units)?, scale })
    }

    /// The exact product, normalised (`0.5 × 0.2` is `0.1`), with as many digits after the point
    /// as it needs (two numbers read by [`Decimal::parse`] always fit); `None` when it does not
    /// fit in 128 bits and 38 decimals.
    pub fn checked_mul_normalized(self, other: Decimal) -> Option<Decimal> {
        let (units, scale) = strip_zeros(self.units.checked_mul(other.units)?, self.scale + other.scale);
        (scale <= SCALE_LIMIT).then_some(Decimal { units, scale })
    }

    pub fn is_negative(self) -> bool {
        self.units < 0
    }

    pub fn is_zero(self) -> bool {
        self.units == 0
    }

    /// Whether the number has no fractional part (`3.00` has none).
    pub fn is_integer(self) -> bool {
        self.units % self.unit() == 0
    }

    /// The nearest integer, halves away from zero (`2.5` → 3, `-2.5` → -3), as PHP's `round()`.
    pub fn round(self) -> Decimal {
        self.to_integer(|q, r, unit| if r.unsigned_abs() * 2 >= unit.unsigned_abs() { q + r.signum() } else { q })
    }

    /// The smallest integer not below the number (PHP's `ceil`).
    pub fn ceil(self) -> Decimal {
        self.to_integer(|q, r, _| if r > 0 { q + 1 } else { q })
    }

    /// The largest integer not above the number (PHP's `floor`).
    pub fn floor(self) -> Decimal {
        self.to_integer(|q, r, _| if r < 0 { q - 1 } else { q })
    }

    /// `f(quotient, remainder, unit)` of the truncating division of the units by `10^scale`, as
    /// an integer. It cannot overflow: with a remainder the scale is at least 1, so the
    /// quotient is at most `i128::MAX / 10`.
    fn to_integer(self, f: impl Fn(i128, i128, i128) -> i128) -> Decimal {
        let unit = self.unit();
        Decimal { units: f(self.units / unit, self.units % unit, unit), scale: 0 }
    }

    /// The same value with trailing zeros after the point removed (`10.50` → `10.5`, `3.0` → `3`).
    pub fn normalized(self) -> Decimal {
        let (units, scale) = strip_zeros(self.units, self.scale);
        Decimal { units, scale }
    }

    /// The integer value, when the number has no fractional part and fits in `i64`.
    pub fn to_i64(self) -> Option<i64> {
        let n = self.normalized();
        if n.scale == 0 {
            i64::try_from(n.units).ok()
        } else {
            None
        }
    }

    /// The nearest float (the nearest one to the decimal text: exact for up to 15 significant
    /// digits), for JSON numbers.
    pub fn to_f64(self) -> f64 {
        self.to_string().parse().unwrap_or(f64::NAN)
    }

    /// Whether `|self| <= limit` for a non-negative integer `limit`.
    pub(crate) fn magnitude_at_most(self, limit: i64) -> bool {
        let limit = i128::from(limit).abs();
        Decimal { units: -limit, scale: 0 } <= self && self <= Decimal { units: limit, scale: 0 }
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

/// `units / 10^scale` without the trailing zeros after the point.
fn strip_zeros(mut units: i128, mut scale: u32) -> (i128, u32) {
    while scale > 0 && units % 10 == 0 {
        units /= 10;
        scale -= 1;
    }
    (units, scale)
}

fn out_of_range(field: &str) -> LoyaltyError {
    LoyaltyError::invalid(
        field,
        format!("out of range: at most {} significant digits and {} decimals", Decimal::MAX_DIGITS, Decimal::MAX_DIGITS),
    )
}

impl PartialEq for Decimal {
    fn eq(&self, other: &Self) -> bool {
        self.split() == other.split()
    }
}

impl Eq for Decimal {}

impl Hash for Decimal {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.split().hash(state);
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Decimal {
    /// By value, exactly, at any scale: integer parts first, then fractions (both carry the
    /// value's sign, so the order of the pairs is the order of the numbers).
    fn cmp(&self, other: &Self) -> Ordering {
        self.split().cmp(&other.split())
    }
}

impl fmt::Display for Decimal {
    /// Plain decimal text with the value's own scale: `-0.50`, `12`, `3.000`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.units.unsigned_abs().to_string();
        if self.units < 0 {
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

    /// [`Decimal::parse`] with no field name.
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

/// Read from decimal text (exact, as [`Decimal::parse`]) or from a JSON number (through its
/// shortest text; pass text for more than 15 significant digits).
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
        Decimal::parse_with_separator(s, '.').unwrap()
    }

    #[test]
    fn parse_and_print() {
        assert_eq!(d("12.50").to_string(), "12.50");
        assert_eq!(d("-0.05").to_string(), "-0.05");
        assert_eq!(d(".5").to_string(), "0.5");
        assert_eq!(d("+3.").to_string(), "3");
        assert_eq!(Decimal::parse_with_separator("1,25", ',').unwrap().to_string(), "1.25");
        for bad in ["", "-", ".", "1e3", "1.2.3", "1,000.00", "abc", "0.1234567891", "--1"] {
            assert!(Decimal::parse_with_separator(bad, '.').is_none(), "{bad}");
        }
    }

    #[test]
    fn sums_are_exact() {
        let mut sum = Decimal::ZERO;
        for _ in 0..1_000_000 {
            sum = sum.checked_add(d("0.1")).unwrap();
        }
        assert_eq!(sum, d("100000"));
        assert_eq!(d("0.1").checked_add(d("0.2")).unwrap(), d("0.3"));
        assert_eq!(d("10.30").checked_mul(d("3")).unwrap().to_string(), "30.90");
    }

    #[test]
    fn rounding() {
        assert_eq!(d("2.5").round().to_i64(), Some(3));
        assert_eq!(d("2.49").round().to_i64(), Some(2));
        assert_eq!(d("-2.5").round().to_i64(), Some(-3));
        assert_eq!(d("2.01").ceil().to_i64(), Some(3));
        assert_eq!(d("-2.01").ceil().to_i64(), Some(-2));
        assert_eq!(d("2.99").floor().to_i64(), Some(2));
        assert_eq!(d("-2.01").floor().to_i64(), Some(-3));
        assert_eq!(d("7").ceil().to_i64(), Some(7));
        assert_eq!(d("99999999999999999999").round().to_i64(), None);
    }

    #[test]
    fn overflow_is_reported() {
        let big = d("9999999999999999999999999999");
        assert!(big.checked_mul(big).is_none());
        assert!(d("0.000000001").checked_mul(d("0.000000001")).is_some());
        assert!(d("0.000000001").checked_mul(d("0.000000001")).unwrap().checked_mul(d("0.1")).is_none());
    }

    #[test]
    fn compared_and_hashed_by_value() {
        use std::collections::HashSet;
        assert_eq!(d("10.5"), d("10.50"));
        assert_eq!(HashSet::from([d("10.5"), d("10.50"), d("-0.00"), d("0")]).len(), 2);
        let tiny = d("0.000000001").checked_mul(d("0.000000001")).unwrap();
        let big = d("9999999999999999999999999999");
        // Their common scale does not fit in 128 bits; the order is still exact.
        assert!(tiny < big && tiny != big);
        let mut v = [d("-1.5"), big, d("2"), d("-2"), tiny, d("-1.2"), d("-0.5"), d("0"), d("0.3")];
        v.sort();
        let shown: Vec<String> = v.iter().map(|x| x.to_string()).collect();
        assert_eq!(shown, ["-2", "-1.5", "-1.2", "-0.5", "0", "0.000000000000000001", "0.3", "2", "9999999999999999999999999999"]);
    }

    #[test]
    fn normalized_products_are_checked_at_any_scale() {
        let p = |a: &str, b: &str| Decimal::parse(a, "a").unwrap().checked_mul_normalized(Decimal::parse(b, "b").unwrap());
        assert_eq!(p("0.5", "0.2").unwrap().to_string(), "0.1");
        assert_eq!(d("0.5").checked_mul(d("0.2")).unwrap().to_string(), "0.10");
        let tiny = p("0.000000000000000001", "0.000000000000000001").unwrap();
        assert_eq!(tiny.to_string(), format!("0.{}1", "0".repeat(35)));
        assert_eq!((tiny.floor(), tiny.ceil(), tiny.round()), (Decimal::ZERO, Decimal::from_i64(1), Decimal::ZERO));
        assert!(Decimal::ZERO < tiny && tiny < d("0.000000001"));
        assert_eq!(tiny.checked_mul_normalized(d("0.01")).unwrap().to_string(), format!("0.{}1", "0".repeat(37)));
        assert!(tiny.checked_mul_normalized(d("0.001")).is_none(), "39 decimals");
        // 38 decimals and a remainder near 10^38: rounding does not overflow.
        let near_one = p("0.999999999999999999", "0.999999999999999999").unwrap().checked_mul_normalized(d("0.99")).unwrap();
        assert_eq!((near_one.round(), near_one.floor(), near_one.ceil()), (Decimal::from_i64(1), Decimal::ZERO, Decimal::from_i64(1)));
        let big = d("9999999999999999999999999999");
        assert!(big.checked_mul_normalized(big).is_none());
    }

    #[test]
    fn check_limits_accepts_what_parse_accepts() {
        let (small, long) = (d("0.123456789"), d("123456789.123456789"));
        let values = [
            d("12.50"), d("-0.00"), d("1000000000000000000"), d("999999999999999999"), d("-999999999999999999.0"),
            d("9999999999999999999999999999"), small, small.checked_mul(small).unwrap(), long,
            long.checked_mul(d("1.1")).unwrap(), d("0.000000001").checked_mul(d("0.000000001")).unwrap(),
        ];
        for v in values {
            let via_text = Decimal::parse(&v.to_string(), "f").map(|x| x.to_string()).map_err(|e| e.to_string());
            assert_eq!(v.check_limits("f").map(|x| x.to_string()).map_err(|e| e.to_string()), via_text, "{v}");
        }
        assert_eq!(d("1000000000000000000").check_limits("total").unwrap_err().field(), Some("total"));
        assert_eq!(d("7.50").check_limits("f").unwrap().to_string(), "7.5");
    }
}

#[cfg(test)]
mod field_tests {
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
        assert_eq!(d("19.99").checked_mul_normalized(d("3")).unwrap().to_string(), "59.97");
        assert_eq!(d("0.1").checked_mul_normalized(d("0.2")).unwrap().to_string(), "0.02");
        assert_eq!(d("19.99").floor(), d("19"));
        assert_eq!(d("19.01").ceil(), d("20"));
        assert_eq!(d("-1.5").floor(), d("-2"));
        assert_eq!(d("-1.5").ceil(), d("-1"));
        assert_eq!(d("20").ceil(), d("20"));
        let big = d("999999999999999999");
        assert_eq!(big.checked_mul_normalized(big).unwrap().to_string(), "999999999999999998000000000000000001");
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
