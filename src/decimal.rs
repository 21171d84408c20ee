//! Exact decimal amounts for prices, quantities and revenue: a 128-bit integer of units and a
//! scale (the number of digits after the point). Sums of a million prices stay exact; floats
//! would drift (`0.1 + 0.2 != 0.3`). Every operation is checked and reports overflow instead
//! of wrapping or panicking.

use std::cmp::Ordering;
use std::fmt;

/// The most digits after the point a parsed amount may have.
pub const MAX_PARSE_SCALE: u32 = 9;
/// The most digits after the point any result keeps (a product of two parsed amounts).
pub const MAX_SCALE: u32 = 2 * MAX_PARSE_SCALE;

/// An exact decimal number: `units / 10^scale`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Decimal {
    units: i128,
    scale: u32,
}

fn pow10(n: u32) -> Option<i128> {
    10i128.checked_pow(n)
}

impl Decimal {
    pub const ZERO: Decimal = Decimal { units: 0, scale: 0 };

    pub fn from_int(i: i64) -> Decimal {
        Decimal { units: i as i128, scale: 0 }
    }

    /// Parses `-12.50`, `12`, `.5`, `+3.` with `separator` as the decimal point (`.` or `,`).
    /// No exponent, no thousands separators, surrounding spaces allowed, at most
    /// [`MAX_PARSE_SCALE`] digits after the point and 28 digits in all.
    pub fn parse(text: &str, separator: char) -> Option<Decimal> {
        let t = text.trim();
        let (neg, t) = match t.as_bytes().first() {
            Some(b'-') => (true, &t[1..]),
            Some(b'+') => (false, &t[1..]),
            _ => (false, t),
        };
        let (int, frac) = match t.split_once(separator) {
            Some((i, f)) => (i, f),
            None => (t, ""),
        };
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if (int.is_empty() && frac.is_empty()) || !digits(int) || !digits(frac) {
            return None;
        }
        if frac.len() > MAX_PARSE_SCALE as usize || int.len() + frac.len() > 28 {
            return None;
        }
        let mut units: i128 = 0;
        for b in int.bytes().chain(frac.bytes()) {
            units = units.checked_mul(10)?.checked_add((b - b'0') as i128)?;
        }
        Some(Decimal { units: if neg { -units } else { units }, scale: frac.len() as u32 })
    }

    fn rescale(self, scale: u32) -> Option<i128> {
        self.units.checked_mul(pow10(scale.checked_sub(self.scale)?)?)
    }

    pub fn checked_add(self, other: Decimal) -> Option<Decimal> {
        let scale = self.scale.max(other.scale);
        Some(Decimal { units: self.rescale(scale)?.checked_add(other.rescale(scale)?)?, scale })
    }

    pub fn checked_sub(self, other: Decimal) -> Option<Decimal> {
        self.checked_add(Decimal { units: other.units.checked_neg()?, scale: other.scale })
    }

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

    /// The value rounded to an integer, halves away from zero (`2.5` → 3, `-2.5` → -3), as
    /// PHP's `round()` does; `None` beyond `i64`.
    pub fn round(self) -> Option<i64> {
        self.round_with(|q, r, d| if r.abs() * 2 >= d { q + r.signum() } else { q })
    }

    /// The smallest integer not below the value (PHP's `ceil`).
    pub fn ceil(self) -> Option<i64> {
        self.round_with(|q, r, _| if r > 0 { q + 1 } else { q })
    }

    /// The largest integer not above the value (PHP's `floor`).
    pub fn floor(self) -> Option<i64> {
        self.round_with(|q, r, _| if r < 0 { q - 1 } else { q })
    }

    fn round_with(self, f: impl Fn(i128, i128, i128) -> i128) -> Option<i64> {
        let d = pow10(self.scale)?;
        let (q, r) = (self.units / d, self.units % d);
        i64::try_from(f(q, r, d)).ok()
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

    /// The value as an `f64` (the nearest one to the shortest decimal text), for JSON numbers.
    pub fn to_f64(self) -> f64 {
        self.normalized().to_string().parse().unwrap_or(f64::NAN)
    }

    /// The integer value, when the number has no fractional part and fits in `i64`.
    pub fn to_i64_exact(self) -> Option<i64> {
        let n = self.normalized();
        if n.scale == 0 {
            i64::try_from(n.units).ok()
        } else {
            None
        }
    }
}

impl PartialEq for Decimal {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Decimal {}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        let (a, b) = (self.normalized(), other.normalized());
        let scale = a.scale.max(b.scale);
        match (a.rescale(scale), b.rescale(scale)) {
            (Some(x), Some(y)) => x.cmp(&y),
            // Only reachable with more than 38 digits; compare through text lengths is not
            // needed at the sizes parse() admits, so fall back to the sign.
            _ => a.units.signum().cmp(&b.units.signum()),
        }
    }
}

impl fmt::Display for Decimal {
    /// Plain decimal text with the value's own scale: `-0.50`, `12`, `3.000`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let neg = self.units < 0;
        let digits = self.units.unsigned_abs().to_string();
        let scale = self.scale as usize;
        let padded = if digits.len() <= scale { format!("{}{digits}", "0".repeat(scale + 1 - digits.len())) } else { digits };
        let (int, frac) = padded.split_at(padded.len() - scale);
        if neg {
            f.write_str("-")?;
        }
        f.write_str(int)?;
        if scale > 0 {
            write!(f, ".{frac}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::parse(s, '.').unwrap()
    }

    #[test]
    fn parse_and_print() {
        assert_eq!(d("12.50").to_string(), "12.50");
        assert_eq!(d("-0.05").to_string(), "-0.05");
        assert_eq!(d(".5").to_string(), "0.5");
        assert_eq!(d("+3.").to_string(), "3");
        assert_eq!(Decimal::parse("1,25", ',').unwrap().to_string(), "1.25");
        for bad in ["", "-", ".", "1e3", "1.2.3", "1,000.00", "abc", "0.1234567891", "--1"] {
            assert!(Decimal::parse(bad, '.').is_none(), "{bad}");
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
        assert_eq!(d("2.5").round(), Some(3));
        assert_eq!(d("2.49").round(), Some(2));
        assert_eq!(d("-2.5").round(), Some(-3));
        assert_eq!(d("2.01").ceil(), Some(3));
        assert_eq!(d("-2.01").ceil(), Some(-2));
        assert_eq!(d("2.99").floor(), Some(2));
        assert_eq!(d("-2.01").floor(), Some(-3));
        assert_eq!(d("7").ceil(), Some(7));
        assert_eq!(d("99999999999999999999").round(), None);
    }

    #[test]
    fn overflow_is_reported() {
        let big = d("9999999999999999999999999999");
        assert!(big.checked_mul(big).is_none());
        assert!(d("0.000000001").checked_mul(d("0.000000001")).is_some());
        assert!(d("0.000000001").checked_mul(d("0.000000001")).unwrap().checked_mul(d("0.1")).is_none());
    }
}
