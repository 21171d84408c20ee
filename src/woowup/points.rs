//! How many points an order earns: WoowUp's own material uses three rules, named here.
//!
//! `sale_points` is the program's points per currency unit (`contest_sale_points`). Every rule is
//! computed with exact decimals. A negative total or negative sale points, and a result beyond
//! [`MAX_POINTS`], are `invalid_field` errors; NaN and infinities cannot be a [`Decimal`]
//! (`non_finite_number` when converted from a float).

use crate::decimal::Decimal;
use crate::error::{LoyaltyError, Result};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// The largest number of points computed: 2^53 − 1, the largest integer JavaScript holds exactly.
pub const MAX_POINTS: i64 = 9_007_199_254_740_991;

/// A rule turning an order total into points.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PointsRule {
    /// `ceil(sale_points × floor(total))`: the custom-connector guide and WoowUp's Magento
    /// extension up to 0.2.x. Cents never earn points. The default.
    #[default]
    CeilOfFlooredTotal,
    /// `ceil(sale_points × total)`: WoowUp's Magento extension 0.3.0.
    CeilOfTotal,
    /// `total × sale_points`, unrounded (the connect-your-shop guide): may be fractional, and is
    /// then sent as exact decimal text.
    Unrounded,
}

impl PointsRule {
    pub const ALL: [PointsRule; 3] = [PointsRule::CeilOfFlooredTotal, PointsRule::CeilOfTotal, PointsRule::Unrounded];

    /// The rule's stable name: `ceil_of_floored_total`, `ceil_of_total`, `unrounded`.
    pub fn as_str(self) -> &'static str {
        match self {
            PointsRule::CeilOfFlooredTotal => "ceil_of_floored_total",
            PointsRule::CeilOfTotal => "ceil_of_total",
            PointsRule::Unrounded => "unrounded",
        }
    }
}

impl FromStr for PointsRule {
    type Err = LoyaltyError;

    fn from_str(s: &str) -> Result<PointsRule> {
        PointsRule::ALL.into_iter().find(|r| r.as_str() == s).ok_or_else(|| {
            LoyaltyError::invalid("rule", "must be ceil_of_floored_total, ceil_of_total or unrounded")
        })
    }
}

/// The points `total` earns at `sale_points` per unit under `rule`, exactly.
pub fn points(total: Decimal, sale_points: Decimal, rule: PointsRule) -> Result<Decimal> {
    if total.is_negative() {
        return Err(LoyaltyError::invalid("total", "must not be negative"));
    }
    if sale_points.is_negative() {
        return Err(LoyaltyError::invalid("sale_points", "must not be negative"));
    }
    // Never `None` for numbers read by `Decimal::parse`: their product always fits.
    let mul = |a: Decimal, b: Decimal| {
        a.checked_mul_normalized(b).ok_or_else(|| LoyaltyError::invalid("points", "total × sale_points is out of range"))
    };
    let points = match rule {
        PointsRule::CeilOfFlooredTotal => mul(sale_points, total.floor())?.ceil(),
        PointsRule::CeilOfTotal => mul(sale_points, total)?.ceil(),
        PointsRule::Unrounded => mul(sale_points, total)?,
    };
    if !points.magnitude_at_most(MAX_POINTS) {
        return Err(LoyaltyError::invalid("points", format!("more than {MAX_POINTS} points")));
    }
    Ok(points)
}

/// [`points`] from decimal text (`"19.99"`, `"1.5"`).
pub fn points_from_text(total: &str, sale_points: &str, rule: PointsRule) -> Result<Decimal> {
    points(Decimal::parse(total, "total")?, Decimal::parse(sale_points, "sale_points")?, rule)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(total: &str, sale_points: &str, rule: PointsRule) -> String {
        points_from_text(total, sale_points, rule).map_or_else(|e| e.code().to_string(), |d| d.to_string())
    }

    #[test]
    fn the_three_rules() {
        use PointsRule::*;
        let cases = [
            ("19.99", "1", "19", "20", "19.99"),
            ("19.99", "1.5", "29", "30", "29.985"),
            ("300", "5", "1500", "1500", "1500"),
            ("0.99", "10", "0", "10", "9.9"),
            ("100", "0.1", "10", "10", "10"),
            ("33.33", "0.3", "10", "10", "9.999"),
            ("0", "5", "0", "0", "0"),
            ("50", "0", "0", "0", "0"),
        ];
        for (total, sp, a, b, c) in cases {
            assert_eq!(p(total, sp, CeilOfFlooredTotal), a, "{total} × {sp}");
            assert_eq!(p(total, sp, CeilOfTotal), b, "{total} × {sp}");
            assert_eq!(p(total, sp, Unrounded), c, "{total} × {sp}");
        }
    }

    #[test]
    fn float_drift_does_not_leak_in() {
        // 0.1 × 3 is 0.30000000000000004 in floats, so a float ceil would give 1.
        assert_eq!(p("3", "0.1", PointsRule::CeilOfTotal), "1");
        assert_eq!(p("0.3", "10", PointsRule::CeilOfTotal), "3");
        // 1.1 × 100 is 110.00000000000001 in floats.
        assert_eq!(p("1.1", "100", PointsRule::CeilOfTotal), "110");
    }

    #[test]
    fn bad_inputs_are_coded_errors() {
        for rule in PointsRule::ALL {
            assert_eq!(p("-1", "1", rule), "invalid_field");
            assert_eq!(p("1", "-1", rule), "invalid_field");
            assert_eq!(p("NaN", "1", rule), "invalid_field");
            assert_eq!(p("1", "", rule), "missing_field");
            assert_eq!(p("999999999999999999", "999999999999999999", rule), "invalid_field");
            assert_eq!(p("9007199254740991", "1", rule), "9007199254740991");
            assert_eq!(p("9007199254740992", "1", rule), "invalid_field");
            assert_eq!(rule.as_str().parse::<PointsRule>().unwrap(), rule);
        }
        assert_eq!(Decimal::from_f64(f64::INFINITY, "total").unwrap_err().code(), "non_finite_number");
        assert_eq!("ceil".parse::<PointsRule>().unwrap_err().field(), Some("rule"));
    }
}
