//! The few date and time rules the events need, without a date library: RFC 3339 parsing,
//! calendar dates, and WoowUp's `yyyy-mm-dd hh:mm:ss`.

/// A parsed RFC 3339 time: its wall-clock fields as written, and the offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timestamp {
    pub year: u32,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    /// Minutes east of UTC.
    pub offset_minutes: i32,
}

fn number(s: &str) -> Option<u32> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
}

fn days_in_month(year: u32, month: u32) -> u32 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    }
}

impl Timestamp {
    /// `YYYY-MM-DD`, a real calendar date, as (year, month, day).
    pub fn parse_date(s: &str) -> Option<(u32, u32, u32)> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let (y, m, d) = (number(s.get(0..4)?)?, number(s.get(5..7)?)?, number(s.get(8..10)?)?);
        (y >= 1 && (1..=12).contains(&m) && (1..=days_in_month(y, m)).contains(&d)).then_some((y, m, d))
    }

    /// `2026-11-20T14:03:00Z`, `2026-11-20T14:03:00.250-03:00` (`t` and `z` accepted too).
    pub fn parse_rfc3339(s: &str) -> Option<Timestamp> {
        let (year, month, day) = Timestamp::parse_date(s.get(..10)?)?;
        let rest = s.get(10..)?;
        let rest = rest.strip_prefix(['T', 't'])?;
        let clock = rest.get(..8)?;
        let c = clock.as_bytes();
        if c[2] != b':' || c[5] != b':' {
            return None;
        }
        let (hour, minute, second) = (number(clock.get(0..2)?)?, number(clock.get(3..5)?)?, number(clock.get(6..8)?)?);
        if hour > 23 || minute > 59 || second > 60 {
            return None;
        }
        let mut zone = rest.get(8..)?;
        if let Some(frac) = zone.strip_prefix('.') {
            let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return None;
            }
            zone = frac.get(digits..)?;
        }
        let offset_minutes = match zone {
            "Z" | "z" => 0,
            _ => {
                let sign = match zone.as_bytes().first()? {
                    b'+' => 1,
                    b'-' => -1,
                    _ => return None,
                };
                let z = zone.get(1..)?;
                if z.len() != 5 || z.as_bytes()[2] != b':' {
                    return None;
                }
                let (h, m) = (number(z.get(0..2)?)?, number(z.get(3..5)?)?);
                if h > 23 || m > 59 {
                    return None;
                }
                sign * (h * 60 + m) as i32
            }
        };
        Some(Timestamp { year, month, day, hour, minute, second: second.min(59), offset_minutes })
    }

    /// `yyyy-mm-dd hh:mm:ss` in the shop's own wall-clock time, as WoowUp's `datetime` takes it.
    pub fn wall_clock(&self) -> String {
        format!("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", self.year, self.month, self.day, self.hour, self.minute, self.second)
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date: the core's (it reads `Retry-After` dates).
pub use loyalty_connector::engine::days_from_civil;

/// The date of a day number (inverse of [`days_from_civil`]).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// `2026-11-20T17:03:00.250Z` from milliseconds since the epoch.
pub fn iso_utc(unix_ms: u64) -> String {
    let secs = (unix_ms / 1000) as i64;
    let (y, mo, d) = civil_from_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!("{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z", s / 3600, s / 60 % 60, s % 60, unix_ms % 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rfc3339() {
        let t = Timestamp::parse_rfc3339("2026-11-20T14:03:09.250-03:00").unwrap();
        assert_eq!((t.wall_clock().as_str(), t.offset_minutes), ("2026-11-20 14:03:09", -180));
        assert_eq!(Timestamp::parse_rfc3339("2024-02-29t00:00:00z").unwrap().offset_minutes, 0);
        for bad in ["2026-11-20", "2026-11-20 14:03:00Z", "2026-11-20T14:03Z", "2026-11-20T24:00:00Z",
                    "2026-11-20T14:03:00", "2026-11-20T14:03:00+0300", "2026-11-20T14:03:00.Z", "2023-02-29T00:00:00Z",
                    "2026-11-20T14:03:00Zjunk", "２026-11-20T14:03:00Z"] {
            assert_eq!(Timestamp::parse_rfc3339(bad), None, "{bad}");
        }
    }

    #[test]
    fn converts_between_days_and_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        for days in [-800_000, -1, 0, 59, 60, 11_016, 20_000, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(iso_utc(1_614_265_330_250), "2021-02-25T15:02:10.250Z");
    }

    #[test]
    fn parses_dates() {
        assert_eq!(Timestamp::parse_date("2000-02-29"), Some((2000, 2, 29)));
        for bad in ["1900-02-29", "2026-13-01", "2026-00-10", "2026-1-01", "0000-01-01", "2026-01-01x"] {
            assert_eq!(Timestamp::parse_date(bad), None, "{bad}");
        }
    }
}
