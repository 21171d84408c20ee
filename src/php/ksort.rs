//! PHP's `ksort($array)` with the default `SORT_REGULAR` flag, byte for byte, as PHP 8 and as
//! PHP 7 sort.
//!
//! PHP 8 compares keys as integers numerically, numeric strings as numbers, other strings
//! bytewise, and an integer against a non-numeric string as text; ties keep their original order
//! (PHP 8 sorts stably). PHP 7 differs in two ways: an integer against a string key reads the
//! string's leading number (`"id"` → 0, `"9a"` → 9), and a string with trailing whitespace is not
//! numeric; its sort is not stable. Both run PHP's own hybrid insertion sort / quicksort, and the
//! order of the comparisons is that sort's, so that even keys that do not compare transitively
//! (`"10"`, `"9a"`, `9`) come out in PHP's order.

use super::number::{numeric, numeric_php7, numeric_prefix_php7, Numeric};
use super::value::{Array, Key};
use std::cmp::Ordering;

/// The PHP major version whose `ksort` to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PhpMajor {
    Php7,
    Php8,
}

/// Sorts the array's top-level keys in place, as PHP 8's `ksort` does.
pub fn ksort(array: &mut Array) {
    ksort_as(array, PhpMajor::Php8);
}

/// Sorts the array's top-level keys in place, as `ksort` does on that PHP version.
pub fn ksort_as(array: &mut Array, php: PhpMajor) {
    let order = sorted_order(array, php);
    let entries = array.entries_mut();
    let mut taken: Vec<Option<_>> = std::mem::take(entries).into_iter().map(Some).collect();
    entries.extend(order.into_iter().filter_map(|i| taken[i].take())); // no-panic: order is a permutation
}

/// Whether PHP 8's `ksort` would leave the array as it is.
pub fn sorts_to_itself(array: &Array) -> bool {
    sorted_order(array, PhpMajor::Php8).iter().enumerate().all(|(i, &j)| i == j)
}

/// The positions of the entries in the order `ksort` puts them.
fn sorted_order(array: &Array, php: PhpMajor) -> Vec<usize> {
    let keys: Vec<&Key> = array.iter().map(|(k, _)| k).collect();
    ksort_order_as(&keys, php)
}

/// The positions of these keys (an array's, in its order) in the order PHP 8's `ksort` puts them.
pub fn ksort_order(keys: &[&Key]) -> Vec<usize> {
    ksort_order_as(keys, PhpMajor::Php8)
}

/// The positions of these keys in the order `ksort` puts them on that PHP version.
pub fn ksort_order_as(keys: &[&Key], php: PhpMajor) -> Vec<usize> {
    let mut order: Vec<usize> = (0..keys.len()).collect();
    let strings = |read: fn(&[u8]) -> Option<Numeric>| -> Vec<Option<Numeric>> {
        keys.iter().map(|k| if let Key::Str(s) = k { read(s.as_bytes()) } else { None }).collect()
    };
    match php {
        PhpMajor::Php8 => {
            // Whether each string key is numeric, worked out once rather than at every comparison.
            let numerics = strings(numeric);
            // Ties keep their original order: PHP 8 sorts stably. no-panic: indices of `keys`.
            zend_sort(&mut order, &|a: &usize, b: &usize| {
                compare_known(keys[*a], numerics[*a], keys[*b], numerics[*b]).then(a.cmp(b))
            });
        }
        PhpMajor::Php7 => {
            let (numerics, prefixes) = (strings(numeric_php7), strings(numeric_prefix_php7));
            // PHP 7 sorts unstably: ties are left where the sort leaves them. no-panic: indices.
            zend_sort(&mut order, &|a: &usize, b: &usize| {
                compare_php7(keys[*a], numerics[*a], prefixes[*a], keys[*b], numerics[*b], prefixes[*b])
            });
        }
    }
    order
}

/// PHP 7's `php_array_key_compare`: two integers numerically, two strings with
/// `zendi_smart_strcmp` (PHP 7's numeric strings), an integer against a string as two integers,
/// the string read as its leading number (0 when it has none), or as doubles when that number is
/// one.
fn compare_php7(a: &Key, na: Option<Numeric>, pa: Option<Numeric>, b: &Key, nb: Option<Numeric>, pb: Option<Numeric>) -> Ordering {
    let long_vs_string = |long: i64, prefix: Option<Numeric>| match prefix {
        Some(Numeric::Long(y)) => long.cmp(&y),
        Some(Numeric::Double { value, .. }) => sign_of(long as f64 - value),
        None => long.cmp(&0),
    };
    match (a, b) {
        (Key::Int(x), Key::Int(y)) => x.cmp(y),
        (Key::Str(x), Key::Str(y)) => smart_strcmp(x.as_bytes(), na, y.as_bytes(), nb),
        (Key::Int(x), Key::Str(_)) => long_vs_string(*x, pb),
        (Key::Str(_), Key::Int(y)) => long_vs_string(*y, pa).reverse(),
    }
}

/// PHP 8's comparison of two array keys (`php_array_key_compare_unstable_i`).
pub fn compare_keys(a: &Key, b: &Key) -> Ordering {
    let numeric_of = |k: &Key| if let Key::Str(s) = k { numeric(s.as_bytes()) } else { None };
    compare_known(a, numeric_of(a), b, numeric_of(b))
}

/// [`compare_keys`] given `numeric()` of each string key.
fn compare_known(a: &Key, na: Option<Numeric>, b: &Key, nb: Option<Numeric>) -> Ordering {
    match (a, b) {
        (Key::Int(x), Key::Int(y)) => x.cmp(y),
        (Key::Str(x), Key::Str(y)) => smart_strcmp(x.as_bytes(), na, y.as_bytes(), nb),
        (Key::Int(x), Key::Str(y)) => compare_long_to_string(*x, y.as_bytes(), nb),
        (Key::Str(x), Key::Int(y)) => compare_long_to_string(*y, x.as_bytes(), na).reverse(),
    }
}

fn three_way(a: f64, b: f64) -> Ordering {
    if a == b {
        Ordering::Equal
    } else if a < b {
        Ordering::Less
    } else {
        Ordering::Greater // also NaN, as ZEND_THREEWAY_COMPARE does
    }
}

/// `zendi_smart_strcmp`: two numeric strings compare as numbers, anything else bytewise.
fn smart_strcmp(a: &[u8], na: Option<Numeric>, b: &[u8], nb: Option<Numeric>) -> Ordering {
    let (Some(x), Some(y)) = (na, nb) else {
        return a.cmp(b);
    };
    match (x, y) {
        (Numeric::Long(x), Numeric::Long(y)) => x.cmp(&y),
        (Numeric::Double { value: dx, overflow: ox }, Numeric::Double { value: dy, overflow: oy }) => {
            if (ox != 0 && ox == oy && dx - dy == 0.0) || (dx == dy && !dx.is_finite()) {
                a.cmp(b)
            } else {
                sign_of(dx - dy)
            }
        }
        (Numeric::Long(x), Numeric::Double { value: dy, overflow: oy }) => {
            if oy != 0 {
                return if oy > 0 { Ordering::Less } else { Ordering::Greater };
            }
            sign_of(x as f64 - dy)
        }
        (Numeric::Double { value: dx, overflow: ox }, Numeric::Long(y)) => {
            if ox != 0 {
                return if ox > 0 { Ordering::Greater } else { Ordering::Less };
            }
            sign_of(dx - y as f64)
        }
    }
}

/// `ZEND_NORMALIZE_BOOL` of a difference (NaN counts as equal).
fn sign_of(d: f64) -> Ordering {
    if d > 0.0 {
        Ordering::Greater
    } else if d < 0.0 {
        Ordering::Less
    } else {
        Ordering::Equal
    }
}

/// `zend_compare_long_to_string`.
fn compare_long_to_string(long: i64, s: &[u8], ns: Option<Numeric>) -> Ordering {
    match ns {
        Some(Numeric::Long(y)) => long.cmp(&y),
        Some(Numeric::Double { value, .. }) => three_way(long as f64, value),
        None => long.to_string().as_bytes().cmp(s),
    }
}

/// `zend_sort`: insertion sort up to 16 elements, otherwise a quicksort whose pivot is the
/// median of 3 (or of 5 from 1024 elements), recursing into the smaller side.
fn zend_sort<T>(v: &mut [T], cmp: &impl Fn(&T, &T) -> Ordering) {
    let mut v = v;
    loop {
        let n = v.len();
        if n <= 16 {
            insert_sort(v, cmp);
            return;
        }
        let offset = n >> 1;
        if n >> 10 != 0 {
            let delta = offset >> 1;
            sort5(v, [0, delta, offset, offset + delta, n - 1], cmp);
        } else {
            sort3(v, [0, offset, n - 1], cmp);
        }
        v.swap(1, offset);
        let pivot = 1;
        let mut i = pivot + 1;
        let mut j = n - 1;
        'partition: loop {
            while cmp(&v[pivot], &v[i]).is_gt() {
                i += 1;
                if i == j {
                    break 'partition;
                }
            }
            j -= 1;
            if j == i {
                break 'partition;
            }
            while cmp(&v[j], &v[pivot]).is_gt() {
                j -= 1;
                if j == i {
                    break 'partition;
                }
            }
            v.swap(i, j);
            i += 1;
            if i == j {
                break 'partition;
            }
        }
        v.swap(pivot, i - 1);
        let (left, right) = std::mem::take(&mut v).split_at_mut(i);
        let left_len = left.len() - 1; // the pivot now sits at the end of `left`
        if left_len < right.len() {
            zend_sort(&mut left[..left_len], cmp);
            v = right;
        } else {
            zend_sort(right, cmp);
            v = &mut left[..left_len];
        }
    }
}

fn sort2<T>(v: &mut [T], [a, b]: [usize; 2], cmp: &impl Fn(&T, &T) -> Ordering) {
    if cmp(&v[a], &v[b]).is_gt() {
        v.swap(a, b);
    }
}

fn sort3<T>(v: &mut [T], [a, b, c]: [usize; 3], cmp: &impl Fn(&T, &T) -> Ordering) {
    if !cmp(&v[a], &v[b]).is_gt() {
        if !cmp(&v[b], &v[c]).is_gt() {
            return;
        }
        v.swap(b, c);
        sort2(v, [a, b], cmp);
        return;
    }
    if !cmp(&v[c], &v[b]).is_gt() {
        v.swap(a, c);
        return;
    }
    v.swap(a, b);
    sort2(v, [b, c], cmp);
}

fn sort4<T>(v: &mut [T], [a, b, c, d]: [usize; 4], cmp: &impl Fn(&T, &T) -> Ordering) {
    sort3(v, [a, b, c], cmp);
    if cmp(&v[c], &v[d]).is_gt() {
        v.swap(c, d);
        if cmp(&v[b], &v[c]).is_gt() {
            v.swap(b, c);
            sort2(v, [a, b], cmp);
        }
    }
}

fn sort5<T>(v: &mut [T], [a, b, c, d, e]: [usize; 5], cmp: &impl Fn(&T, &T) -> Ordering) {
    sort4(v, [a, b, c, d], cmp);
    if cmp(&v[d], &v[e]).is_gt() {
        v.swap(d, e);
        if cmp(&v[c], &v[d]).is_gt() {
            v.swap(c, d);
            if cmp(&v[b], &v[c]).is_gt() {
                v.swap(b, c);
                sort2(v, [a, b], cmp);
            }
        }
    }
}

/// `zend_insert_sort`: fixed networks up to 5 elements, then insertion with a two-step search.
fn insert_sort<T>(v: &mut [T], cmp: &impl Fn(&T, &T) -> Ordering) {
    let n = v.len();
    match n {
        0 | 1 => return,
        2 => return sort2(v, [0, 1], cmp),
        3 => return sort3(v, [0, 1, 2], cmp),
        4 => return sort4(v, [0, 1, 2, 3], cmp),
        5 => return sort5(v, [0, 1, 2, 3, 4], cmp),
        _ => {}
    }
    for i in 1..6 {
        let mut j = i - 1;
        if !cmp(&v[j], &v[i]).is_gt() {
            continue;
        }
        while j != 0 {
            j -= 1;
            if !cmp(&v[j], &v[i]).is_gt() {
                j += 1;
                break;
            }
        }
        v[j..=i].rotate_right(1);
    }
    for i in 6..n {
        let mut j = i - 1;
        if !cmp(&v[j], &v[i]).is_gt() {
            continue;
        }
        loop {
            j -= 2;
            if !cmp(&v[j], &v[i]).is_gt() {
                j += 1;
                if !cmp(&v[j], &v[i]).is_gt() {
                    j += 1;
                }
                break;
            }
            if j == 0 {
                break;
            }
            if j == 1 {
                j -= 1;
                if cmp(&v[i], &v[j]).is_gt() {
                    j += 1;
                }
                break;
            }
        }
        v[j..=i].rotate_right(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::php::Value;

    fn sorted(keys: &[&str]) -> Vec<String> {
        let mut a = Array::from_pairs(keys.iter().map(|k| (*k, Value::Null)));
        ksort(&mut a);
        a.iter().map(|(k, _)| k.to_text().into_owned()).collect()
    }

    #[test]
    fn mixed_keys_sort_as_php_8_sorts_them() {
        // Expected order printed by PHP 8.2 for the same keys.
        let keys = ["b", "10", "9", "a", "1e1", " 5", "-1", "1.5", "Z", ""];
        assert_eq!(sorted(&keys), ["", "-1", "1.5", " 5", "9", "10", "1e1", "Z", "a", "b"]);
    }

    #[test]
    fn mixed_keys_sort_as_php_7_sorts_them() {
        // PHP 7.4 reads "id" as 0 against an integer key, so 10 sorts after it; PHP 8 compares
        // "10" and "id" as text. Expected orders printed by PHP 7.4 (tests/php7).
        let sorted7 = |keys: &[&str]| {
            let mut a = Array::from_pairs(keys.iter().map(|k| (*k, Value::Null)));
            ksort_as(&mut a, PhpMajor::Php7);
            a.iter().map(|(k, _)| k.to_text().into_owned()).collect::<Vec<_>>()
        };
        assert_eq!(sorted(&["id", "10", "b"]), ["10", "b", "id"]);
        assert_eq!(sorted7(&["id", "10", "b"]), ["b", "id", "10"]);
        assert_eq!(sorted7(&["9a", "10", "5 ", "-1"]), ["-1", "5 ", "9a", "10"]);
    }

    #[test]
    fn sorting_many_plain_keys_is_bytewise() {
        let keys: Vec<String> = (0..3000).map(|i| format!("k{}", (i * 7919) % 3001)).collect();
        let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
        let mut want = keys.clone();
        want.sort();
        assert_eq!(sorted(&refs), want);
    }
}
