//! How PHP prints floats (`php_gcvt`) and recognises numeric strings (`is_numeric_string`).

/// How many significant digits PHP prints.
#[derive(Clone, Copy)]
pub enum Precision {
    /// `serialize_precision = -1`: the shortest text that reads back as the same double
    /// (`json_encode`, `var_export`).
    Shortest,
    /// At most this many significant digits, correctly rounded (`precision = 14`: echo,
    /// string conversion, `http_build_query`).
    Digits(usize),
}

/// Appends `value` as PHP's `php_gcvt` writes it: `10`, `15.9`, `0.0001`, `1.0e-5`, `1.0e+25`,
/// `-0`. `exp_char` is `e` for JSON and `E` for string conversion. The value must be finite.
pub fn write_double(out: &mut String, value: f64, precision: Precision, exp_char: char) {
    let (digits, decpt) = decimal_digits(value.abs(), precision);
    let ndigit = match precision {
        Precision::Shortest => 17,
        Precision::Digits(n) => n as i32,
    };
    if value.is_sign_negative() {
        out.push('-');
    }
    let exponential = if decpt < 0 { decpt < -3 } else { decpt > ndigit };
    if exponential {
        let exp = decpt - 1;
        out.push_str(&digits[..1]);
        out.push('.');
        out.push_str(if digits.len() > 1 { &digits[1..] } else { "0" });
        out.push(exp_char);
        out.push(if exp < 0 { '-' } else { '+' });
        out.push_str(&exp.unsigned_abs().to_string());
    } else if decpt <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat('0').take(decpt.unsigned_abs() as usize));
        out.push_str(&digits);
    } else {
        let decpt = decpt as usize;
        if digits.len() <= decpt {
            out.push_str(&digits);
            out.extend(std::iter::repeat('0').take(decpt - digits.len()));
        } else {
            out.push_str(&digits[..decpt]);
            out.push('.');
            out.push_str(&digits[decpt..]); // no-panic: decpt < digits.len() in this branch
        }
    }
}

/// The significant digits of a finite, non-negative `value` without trailing zeros, and the
/// position of the decimal point (`value = 0.DIGITS × 10^decpt`), as `zend_dtoa` gives them.
fn decimal_digits(value: f64, precision: Precision) -> (String, i32) {
    if value == 0.0 {
        return ("0".to_string(), 1);
    }
    if let Precision::Digits(n) = precision {
        if let Some(kept) = small_integer_tie(value, n) {
            return kept;
        }
    }
    // `{:.N e}` is correctly rounded, ties to even: zend_dtoa's mode 2. For mode 0 (shortest),
    // Rust's `{:e}` has the right length but, when two strings of that length read back as
    // `value` and lie equally close to it, takes the upper one where zend_dtoa takes the even
    // one (1744430424187758.25 prints as …758.2 in PHP). So round `value` to that length and
    // keep the result when it reads back (it may not only at a power of two, where the interval
    // is lopsided: Rust's form stays). Checked against PHP 8.2 on 2 million random, boundary
    // and tie doubles.
    let text = match precision {
        Precision::Shortest => {
            let shortest = format!("{value:e}");
            let len = shortest.split('e').next().unwrap_or("").bytes().filter(u8::is_ascii_digit).count();
            let rounded = format!("{value:.*e}", len.saturating_sub(1));
            if rounded.parse::<f64>() == Ok(value) {
                rounded
            } else {
                shortest
            }
        }
        Precision::Digits(n) => format!("{value:.*e}", n.saturating_sub(1)),
    };
    let (mantissa, exp) = text.split_once('e').unwrap_or((&text, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let mut digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    while digits.len() > 1 && digits.ends_with('0') {
        digits.pop();
    }
    (digits, exp + 1)
}

/// zend_dtoa's one departure from plain rounding in mode 2: its floating-point shortcut cannot
/// settle an exact tie, and the "small integer" path it then takes (an integer below 10^15,
/// with at most 14 digits asked for) rounds the tie to even without stripping the trailing
/// zeros of the digits it keeps. PHP 8.2 prints 100000000000005.0 as `1.0000000000000E+14` at
/// `precision = 14`. `None` when that path does not apply or gives the ordinary digits.
fn small_integer_tie(value: f64, n: usize) -> Option<(String, i32)> {
    if value.fract() != 0.0 || value >= 1e15 || n == 0 || n > 14 {
        return None;
    }
    let all = (value as u64).to_string(); // an integer below 10^15: exact
    let (kept, dropped) = all.split_at_checked(n)?;
    let tie = dropped.strip_prefix('5').is_some_and(|rest| rest.bytes().all(|b| b == b'0'));
    let even = kept.bytes().last().is_some_and(|d| (d - b'0') % 2 == 0);
    (tie && even && kept.ends_with('0')).then(|| (kept.to_string(), all.len() as i32))
}

/// A number read from a string the way PHP 8 compares strings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Numeric {
    Long(i64),
    /// A double; `overflow` is ±1 when it is an integer too large for a long (PHP's `oflow`).
    Double { value: f64, overflow: i8 },
}

const LONG_MIN_DIGITS: &[u8] = b"9223372036854775808";
const MAX_LENGTH_OF_LONG: usize = 20;

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// What may follow the number in `is_numeric_string`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Trailing {
    /// PHP 8, errors not allowed: whitespace only.
    Whitespace,
    /// PHP 7, errors not allowed: nothing.
    Nothing,
    /// PHP 7 with `allow_errors = 1` (how PHP 7's `ksort` reads a string key it compares with an
    /// integer key): anything, the number is the leading prefix (`"9a"` reads as 9).
    Anything,
}

/// PHP 8's `is_numeric_string` without errors allowed: optional surrounding whitespace, a sign,
/// digits with an optional fraction and exponent. `None` when the string is not numeric.
pub fn numeric(s: &[u8]) -> Option<Numeric> {
    scan(s, Trailing::Whitespace)
}

/// PHP 7's `is_numeric_string` without errors allowed: as PHP 8's, but no trailing whitespace
/// (`"10 "` is numeric on PHP 8 only). `is_numeric()` on PHP 7.
pub fn numeric_php7(s: &[u8]) -> Option<Numeric> {
    scan(s, Trailing::Nothing)
}

/// PHP 7's `is_numeric_string(…, allow_errors = 1)`: the number at the start of the string,
/// whatever follows it (`"9a"` → 9, `"1e1x"` → 10.0); `None` when it does not start with one.
pub fn numeric_prefix_php7(s: &[u8]) -> Option<Numeric> {
    scan(s, Trailing::Anything)
}

fn scan(s: &[u8], trailing: Trailing) -> Option<Numeric> {
    let start = s.iter().position(|&b| !is_ws(b))?;
    let s = &s[start..]; // no-panic: start is a position found in s
    let negative = s.first() == Some(&b'-');
    let after_sign = usize::from(matches!(s.first(), Some(b'-' | b'+')));
    let body = &s[after_sign..]; // no-panic: after_sign is 1 only when s has a first byte
    let is_double;
    let mut end; // end of the number inside `s`
    let mut digits = 0;
    let mut sign_after_e = false;
    if body.first().is_some_and(u8::is_ascii_digit) {
        let zeros = body.iter().take_while(|&&b| b == b'0').count();
        end = after_sign + zeros;
        let mut double = false;
        while digits < MAX_LENGTH_OF_LONG {
            match s.get(end) {
                Some(b) if b.is_ascii_digit() => {}
                Some(b'.') => double = true,
                Some(b'e' | b'E') => {
                    let mut e = end + 1;
                    if matches!(s.get(e), Some(b'-' | b'+')) {
                        e += 1;
                        // PHP moves its cursor onto the sign (`ptr = e++`) before it looks for
                        // a digit: the long-overflow check below starts one byte later.
                        sign_after_e = true;
                    }
                    double = s.get(e).is_some_and(u8::is_ascii_digit);
                }
                _ => {}
            }
            if double || !s.get(end).is_some_and(u8::is_ascii_digit) {
                break;
            }
            digits += 1;
            end += 1;
        }
        is_double = double || digits >= MAX_LENGTH_OF_LONG;
    } else if body.first() == Some(&b'.') && body.get(1).is_some_and(u8::is_ascii_digit) {
        is_double = true;
        end = after_sign;
    } else {
        return None;
    }
    let mut value = 0.0;
    if is_double {
        let len = strtod_prefix(s);
        value = parse_f64(&s[..len]);
        end = len;
    }
    let rest = &s[end..]; // no-panic: end never passes s.len() (digits scanned in s)
    let trailing_ok = match trailing {
        Trailing::Whitespace => rest.iter().all(|&b| is_ws(b)),
        Trailing::Nothing => rest.is_empty(),
        Trailing::Anything => true,
    };
    if !trailing_ok {
        return None;
    }
    let overflow = if negative { -1 } else { 1 };
    if is_double {
        let long_overflow = digits >= MAX_LENGTH_OF_LONG;
        return Some(Numeric::Double { value, overflow: if long_overflow { overflow } else { 0 } });
    }
    if digits == MAX_LENGTH_OF_LONG - 1 {
        // PHP runs `strcmp(&ptr[-digits], long_min_digits)` with `ptr` at the end of the
        // digits: the comparison takes in the trailing whitespace too, so that
        // "9223372036854775808 " overflows like "9223372036854775808".
        // (Only a prefix read can get here with a sign after an `e`: "…807e+x".)
        let from = end - digits + usize::from(sign_after_e);
        let window = &s[from..]; // no-panic: the `digits` digits end at `end`, and a sign follows
        let cmp = window.cmp(LONG_MIN_DIGITS);
        if !(cmp.is_lt() || (cmp.is_eq() && negative)) {
            let len = strtod_prefix(s);
            return Some(Numeric::Double { value: parse_f64(&s[..len]), overflow });
        }
    }
    let magnitude = s[after_sign..end].iter().fold(0u64, |acc, &b| acc.wrapping_mul(10).wrapping_add(u64::from(b - b'0')));
    let long = if negative { magnitude.wrapping_neg() as i64 } else { magnitude as i64 };
    Some(Numeric::Long(long))
}

/// The length of the longest prefix of `s` that C's `strtod` reads as a decimal number.
fn strtod_prefix(s: &[u8]) -> usize {
    let mut i = usize::from(matches!(s.first(), Some(b'-' | b'+')));
    let int_digits = s[i..].iter().take_while(|b| b.is_ascii_digit()).count(); // no-panic: i is 1 only with a sign byte
    i += int_digits;
    let mut frac_digits = 0;
    if s.get(i) == Some(&b'.') {
        frac_digits = s[i + 1..].iter().take_while(|b| b.is_ascii_digit()).count();
        if int_digits + frac_digits > 0 {
            i += 1 + frac_digits;
        }
    }
    if int_digits + frac_digits == 0 {
        return 0;
    }
    if matches!(s.get(i), Some(b'e' | b'E')) {
        let mut e = i + 1;
        if matches!(s.get(e), Some(b'-' | b'+')) {
            e += 1;
        }
        let exp_digits = s[e.min(s.len())..].iter().take_while(|b| b.is_ascii_digit()).count();
        if exp_digits > 0 {
            i = e + exp_digits;
        }
    }
    i
}

/// Reads a `strtod_prefix` with correct rounding (as `zend_strtod` does).
fn parse_f64(text: &[u8]) -> f64 {
    let text = std::str::from_utf8(text).unwrap_or("0");
    let unsigned = text.trim_start_matches(['+', '-']);
    let negative = text.starts_with('-');
    // Rust wants a digit on at least one side of the point, which strtod_prefix guarantees.
    let magnitude: f64 = unsigned.parse().unwrap_or(0.0);
    if negative {
        -magnitude
    } else {
        magnitude
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(v: f64) -> String {
        let mut s = String::new();
        write_double(&mut s, v, Precision::Shortest, 'e');
        s
    }

    fn echo(v: f64) -> String {
        let mut s = String::new();
        write_double(&mut s, v, Precision::Digits(14), 'E');
        s
    }

    #[test]
    fn floats_print_as_php_prints_them() {
        let cases = [
            (10.0, "10"), (15.9, "15.9"), (0.1 + 0.2, "0.30000000000000004"), (1e25, "1.0e+25"),
            (1e-5, "1.0e-5"), (-0.0, "-0"), (0.0001, "0.0001"), (1e16, "10000000000000000"),
            (1e17, "1.0e+17"), (5e-324, "5.0e-324"), (1.7976931348623157e308, "1.7976931348623157e+308"),
            (0.5, "0.5"), (0.05, "0.05"), (-1.5e-7, "-1.5e-7"), (123.456, "123.456"),
        ];
        for (v, want) in cases {
            assert_eq!(json(v), want, "{v:e}");
        }
        assert_eq!(echo(0.1 + 0.2), "0.3");
        // Two shortest candidates equally close: PHP 8.2 (zend_dtoa mode 0) takes the even one.
        // The value is exactly 1744430424187758.25 (the spacing there is 0.25).
        let tie = f64::from_bits(0x4318_ca33_6f13_8db9);
        assert_eq!(tie, 1_744_430_424_187_758.0 + 0.25);
        assert_eq!(json(tie), "1744430424187758.2");
        assert_eq!(json(-tie), "-1744430424187758.2");
        assert_eq!(echo(1e25), "1.0E+25");
        assert_eq!(echo(1e20), "1.0E+20");
        assert_eq!(echo(-0.0), "-0");
        assert_eq!(echo(1.5), "1.5");
        // PHP 8.2's http_build_query: an exact tie in a 15-digit integer keeps its zeros.
        assert_eq!(echo(100000000000005.0), "1.0000000000000E+14");
        assert_eq!(echo(844871253703905.0), "8.4487125370390E+14");
        assert_eq!(echo(844871253703901.0), "8.448712537039E+14");
        assert_eq!(echo(100000000000015.0), "1.0000000000002E+14");
        assert_eq!(echo(999999999999995.0), "1.0E+15");
        assert_eq!(echo(99999999999995.0), "99999999999995");
    }

    #[test]
    fn numeric_strings_as_php_8_reads_them() {
        use Numeric::*;
        let d = |value| Some(Double { value, overflow: 0 });
        let cases = [
            ("1", Some(Long(1))), (" 5", Some(Long(5))), ("5 ", Some(Long(5))), ("1.5", d(1.5)), ("1e1", d(10.0)),
            (".5", d(0.5)), ("5.", d(5.0)), ("-1", Some(Long(-1))), ("+3", Some(Long(3))), ("abc", None),
            ("1a", None), ("1e", None), ("", None), (" ", None), ("-", None), ("0x1A", None), ("007", Some(Long(7))),
            ("9223372036854775807", Some(Long(i64::MAX))), ("-9223372036854775808", Some(Long(i64::MIN))),
            ("9223372036854775808", Some(Double { value: 9223372036854775808.0, overflow: 1 })),
            ("-99999999999999999999", Some(Double { value: -1e20, overflow: -1 })), ("1e400", d(f64::INFINITY)),
        ];
        for (s, want) in cases {
            assert_eq!(numeric(s.as_bytes()), want, "{s:?}");
        }
    }

    #[test]
    fn the_long_overflow_check_includes_trailing_whitespace() {
        use Numeric::*;
        // PHP 8.2: `"9223372036854775808 " <=> "1"` is 1 and `"-9223372036854775808 "` sorts as a
        // double: strcmp runs from the first counted digit to the end of the string.
        let big = 9223372036854775808.0;
        let cases = [
            ("9223372036854775808 ", Some(Double { value: big, overflow: 1 })),
            ("9223372036854775808\t\n", Some(Double { value: big, overflow: 1 })),
            ("-9223372036854775808 ", Some(Double { value: -big, overflow: -1 })),
            ("9223372036854775807 ", Some(Long(i64::MAX))),
            (" 9223372036854775807 ", Some(Long(i64::MAX))),
            ("09223372036854775807 ", Some(Long(i64::MAX))),
            ("-9223372036854775807 ", Some(Long(-i64::MAX))),
        ];
        for (s, want) in cases {
            assert_eq!(numeric(s.as_bytes()), want, "{s:?}");
        }
    }
}
