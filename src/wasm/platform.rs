//! HMAC-SHA256 from the platform, when the entry point registers one: the Node entry passes
//! `node:crypto`'s, which hashes with the CPU's SHA instructions (wasm has none, and the HMAC
//! was a fifth of a signature's time). Everything else, and every other runtime, signs with the
//! core's own. Either way the bytes on the wire are written by the core.

use crate::lootly::{hmac_sha256, Credentials};
use std::sync::atomic::{AtomicBool, Ordering};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/wasm/glue.js")]
extern "C" {
    #[wasm_bindgen(js_name = setPlatformHmac)]
    fn set_platform_hmac(hmac: &js_sys::Function);

    /// `key` and `data` reach JS as views of the wasm memory: nothing is copied.
    #[wasm_bindgen(catch, js_name = platformHmac)]
    fn platform_hmac(key: &[u8], data: &[u8]) -> Result<Vec<u8>, JsValue>;
}

static REGISTERED: AtomicBool = AtomicBool::new(false);

/// `useHmacSha256((key, data) => digest)`: sign with this HMAC-SHA256 from now on. `key` and
/// `data` are `Uint8Array` views valid during the call only; the digest is its 32 bytes. For the
/// entry points, not part of the public surface.
#[wasm_bindgen(js_name = useHmacSha256)]
pub fn use_hmac_sha256(hmac: js_sys::Function) {
    set_platform_hmac(&hmac);
    REGISTERED.store(true, Ordering::Relaxed);
}

/// Lootly credentials that sign with the platform's HMAC when one is registered.
pub fn credentials(api_key: String, api_secret: String) -> Credentials {
    let creds = Credentials::new(api_key, api_secret);
    if REGISTERED.load(Ordering::Relaxed) {
        creds.with_hmac(platform)
    } else {
        creds
    }
}

fn platform(key: &[u8], data: &[u8]) -> [u8; 32] {
    // A throw, or a digest of another length, would be the entry point's bug: the core's own
    // HMAC is never wrong, and no exception may unwind through the core's frames.
    platform_hmac(key, data).ok().and_then(|digest| digest.try_into().ok()).unwrap_or_else(|| hmac_sha256(key, data))
}
