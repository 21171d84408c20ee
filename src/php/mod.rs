//! PHP, as the vendors' servers run it: `json_encode` with default flags, `json_decode` (and the
//! associative-array view a PHP server holds), `ksort`, `http_build_query` and `urlencode`.
//! Every byte the library puts on the wire is written here.

mod decode;
mod encode;
mod filter;
mod ksort;
mod number;
mod query;
mod transcode;
mod value;

pub use decode::{json_decode, json_decode_bytes, Mode, DECODE_DEPTH};
pub use filter::filter_validate_email;
pub use encode::{json_encode, json_encode_into, write_string, ENCODE_DEPTH};
pub use ksort::{compare_keys, ksort, ksort_as, ksort_order, ksort_order_as, sorts_to_itself, PhpMajor};
pub use number::{numeric, numeric_php7, numeric_prefix_php7, write_double, Numeric, Precision};
pub use query::{http_build_query, parse_query, rawurlencode, urldecode, urlencode};
pub use transcode::{object_members, Members};
pub use value::{Array, Key, Object, Value};

/// What a PHP server holds after `json_decode($text, true)`, re-encoded by `json_encode`: the
/// canonical text of `text` as PHP sees it.
pub fn php_view_json(text: &str) -> crate::Result<String> {
    json_encode(&json_decode(text, Mode::Assoc)?)
}
