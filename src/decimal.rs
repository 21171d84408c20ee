//! Exact decimal amounts for prices, quantities and revenue: a 128-bit integer of units and a
//! scale (the number of digits after the point). Sums of a million prices stay exact; floats
//! would drift (`0.1 + 0.2 != 0.3`). Every operation is checked and reports overflow instead
//! of wrapping or panicking.

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
    pub const ZERO: Decimal = Decimal { units: 0, scale: 0 };

    pub fn from_i64(value: i64) -> Decimal {
        Decimal { units: i128::from(value), scale: 0 }
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
        let mut d = self;
        while d.scale > 0 && d.units % 10 == 0 {
            d.units /= 10;
            d.scale -= 1;
        }
        d
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
}
