//! PHP's values as `json_decode` produces them: scalars, ordered arrays with integer or string
//! keys, and `stdClass` objects.

use std::collections::HashMap;

/// A PHP value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    /// A PHP array: a list when its keys are `0..n` in order, otherwise an object in JSON.
    Array(Array),
    /// A `stdClass` object: always a JSON object, `{}` when empty.
    Object(Object),
}

/// An array key. PHP stores a decimal integer string such as `"12"` as the integer `12`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Key {
    Int(i64),
    Str(String),
}

impl Key {
    /// The key PHP uses for this string (`"12"` → `12`, `"012"`, `"-0"` and `"1.5"` stay strings).
    pub fn from_php_string(s: String) -> Key {
        match canonical_int(s.as_bytes()) {
            Some(i) => Key::Int(i),
            None => Key::Str(s),
        }
    }

    /// The key as JSON writes it (always a string).
    pub fn to_text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Key::Int(i) => i.to_string().into(),
            Key::Str(s) => s.as_str().into(),
        }
    }
}

impl From<&str> for Key {
    fn from(s: &str) -> Key {
        Key::from_php_string(s.to_string())
    }
}

impl From<String> for Key {
    fn from(s: String) -> Key {
        Key::from_php_string(s)
    }
}

impl From<i64> for Key {
    fn from(i: i64) -> Key {
        Key::Int(i)
    }
}

/// PHP's `ZEND_HANDLE_NUMERIC_STR`: a string that is exactly the decimal form of an integer.
fn canonical_int(b: &[u8]) -> Option<i64> {
    let digits = b.strip_prefix(b"-").unwrap_or(b);
    let canonical = match digits {
        [] => false,
        [b'0'] => b.len() == 1, // "0" yes, "-0" no
        [first, ..] => *first != b'0' && digits.iter().all(u8::is_ascii_digit),
    };
    if !canonical || digits.len() > 19 {
        return None;
    }
    std::str::from_utf8(b).ok()?.parse().ok()
}

/// A PHP array: ordered, keys unique.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Array {
    entries: Vec<(Key, Value)>,
}

/// Above this many entries, building an array indexes its keys instead of scanning them.
const INDEX_FROM: usize = 16;

impl Array {
    pub fn new() -> Self {
        Array::default()
    }

    /// A list: keys `0..n`.
    pub fn list(values: impl IntoIterator<Item = Value>) -> Self {
        let entries = values.into_iter().enumerate().map(|(i, v)| (Key::Int(i as i64), v)).collect();
        Array { entries }
    }

    /// Builds an array from pairs; a repeated key keeps its first position and its last value,
    /// as PHP's `$a[$k] = $v` does.
    pub fn from_pairs<K: Into<Key>>(pairs: impl IntoIterator<Item = (K, Value)>) -> Self {
        let mut builder = Builder::default();
        for (k, v) in pairs {
            builder.set(k.into(), v);
        }
        builder.finish()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Key, &Value)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    pub fn get(&self, key: &Key) -> Option<&Value> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The value under a string key (`"12"` finds the integer key 12).
    pub fn get_str(&self, key: &str) -> Option<&Value> {
        self.get(&Key::from(key))
    }

    /// `$a[$key] = $value`: replaces in place or appends.
    pub fn set(&mut self, key: impl Into<Key>, value: Value) {
        let key = key.into();
        match self.entries.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => self.entries.push((key, value)),
        }
    }

    /// `unset($a[$key])`.
    pub fn remove(&mut self, key: &Key) -> Option<Value> {
        let at = self.entries.iter().position(|(k, _)| k == key)?;
        Some(self.entries.remove(at).1)
    }

    /// Whether JSON writes this array as a list (`zend_array_is_list`).
    pub fn is_list(&self) -> bool {
        self.entries.iter().enumerate().all(|(i, (k, _))| *k == Key::Int(i as i64))
    }

    pub(crate) fn entries_mut(&mut self) -> &mut Vec<(Key, Value)> {
        &mut self.entries
    }

    pub fn into_entries(self) -> Vec<(Key, Value)> {
        self.entries
    }
}

/// Builds an array or object with PHP's "last value, first position" rule for repeated keys,
/// in linear time however many keys there are.
pub(crate) struct Builder<K: Eq + std::hash::Hash + Clone = Key> {
    entries: Vec<(K, Value)>,
    index: Option<HashMap<K, usize>>,
}

impl<K: Eq + std::hash::Hash + Clone> Default for Builder<K> {
    fn default() -> Self {
        Builder { entries: Vec::new(), index: None }
    }
}

impl<K: Eq + std::hash::Hash + Clone> Builder<K> {
    pub(crate) fn set(&mut self, key: K, value: Value) {
        if self.index.is_none() && self.entries.len() >= INDEX_FROM {
            let index = self.entries.iter().enumerate().map(|(i, (k, _))| (k.clone(), i)).collect();
            self.index = Some(index);
        }
        let found = match &self.index {
            Some(index) => index.get(&key).copied(),
            None => self.entries.iter().position(|(k, _)| *k == key),
        };
        match found {
            Some(i) => self.entries[i].1 = value, // no-panic: i is an index of entries
            None => {
                if let Some(index) = &mut self.index {
                    index.insert(key.clone(), self.entries.len());
                }
                self.entries.push((key, value));
            }
        }
    }
}

impl Builder<Key> {
    pub(crate) fn finish(self) -> Array {
        Array { entries: self.entries }
    }
}

impl Builder<String> {
    pub(crate) fn finish_object(self) -> Object {
        Object { entries: self.entries }
    }
}

/// A `stdClass` object (what `json_decode` without `assoc` makes of a JSON object).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Object {
    entries: Vec<(String, Value)>,
}

impl Object {
    pub fn new() -> Self {
        Object::default()
    }

    /// `(object)[…]`: a repeated name keeps its first position and its last value.
    pub fn from_pairs<K: Into<String>>(pairs: impl IntoIterator<Item = (K, Value)>) -> Self {
        let mut builder = Builder::<String>::default();
        for (k, v) in pairs {
            builder.set(k.into(), v);
        }
        builder.finish_object()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// `unset($object->{$name})`: the property's value, the others keeping their order.
    pub fn remove(&mut self, name: &str) -> Option<Value> {
        let at = self.entries.iter().position(|(k, _)| k == name)?;
        Some(self.entries.remove(at).1)
    }

    /// `$object->{$name}`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.entries.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl Value {
    /// A string value.
    pub fn str(s: impl Into<String>) -> Value {
        Value::Str(s.into())
    }

    /// What a PHP server holds after `json_decode($json, true)` of this value's JSON: every
    /// object becomes an array (so `{}` becomes `[]` and `{"0":…}` a list).
    pub fn into_php_view(self) -> Value {
        match self {
            Value::Object(o) => {
                Value::Array(Array::from_pairs(o.entries.into_iter().map(|(k, v)| (k, v.into_php_view()))))
            }
            // What json_decode made is a PHP view already: walk it in place, without rebuilding.
            Value::Array(mut a) if !a.entries.iter().any(|(k, _)| matches!(k, Key::Str(s) if canonical_int(s.as_bytes()).is_some())) => {
                for (_, v) in &mut a.entries {
                    *v = std::mem::replace(v, Value::Null).into_php_view();
                }
                Value::Array(a)
            }
            Value::Array(a) => Value::Array(Array::from_pairs(a.entries.into_iter().map(|(k, v)| {
                let key = match k {
                    Key::Str(s) => Key::from_php_string(s), // a hand-made Key::Str("12") is 12 in PHP
                    int => int,
                };
                (key, v.into_php_view())
            }))),
            other => other,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&Array> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Str(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Str(s)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::Int(i)
    }
}

impl From<f64> for Value {
    fn from(f: f64) -> Value {
        Value::Float(f)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<Array> for Value {
    fn from(a: Array) -> Value {
        Value::Array(a)
    }
}

impl From<Object> for Value {
    fn from(o: Object) -> Value {
        Value::Object(o)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(o: Option<T>) -> Value {
        o.map_or(Value::Null, Into::into)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_string_keys_become_integers_as_in_php() {
        for (s, int) in [("0", Some(0)), ("12", Some(12)), ("-3", Some(-3)), ("-0", None), ("012", None), ("1.5", None),
            ("", None), ("-", None), (" 1", None), ("9223372036854775807", Some(i64::MAX)),
            ("-9223372036854775808", Some(i64::MIN)), ("9223372036854775808", None), ("99999999999999999999", None)]
        {
            assert_eq!(canonical_int(s.as_bytes()), int, "{s:?}");
        }
    }

    #[test]
    fn repeated_keys_keep_first_position_and_last_value() {
        let many: Vec<(String, Value)> = (0..40).map(|i| (format!("k{}", i % 20), Value::Int(i))).collect();
        let a = Array::from_pairs(many);
        assert_eq!(a.len(), 20);
        assert_eq!(a.get_str("k0"), Some(&Value::Int(20)));
        assert_eq!(a.iter().next().map(|(k, _)| k.clone()), Some(Key::Str("k0".into())));
    }
}
