//! The JavaScript types list exactly the codes the core's `LoyaltyError::code()` returns, in the
//! same order: `index.d.ts`'s `ErrorCode` union cannot drift from the Rust enum.

use loyalty_connector::LoyaltyError;

#[test]
fn index_d_ts_lists_every_rust_code() {
    let types = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/pkg-template/index.d.ts")).unwrap();
    let start = types.find("export type ErrorCode =").expect("index.d.ts declares ErrorCode");
    let union = &types[start..];
    let union = &union[..union.find(';').expect("the union ends with ;")];
    let listed: Vec<&str> = union.split('|').skip(1).map(|c| c.trim().trim_matches('"')).collect();
    assert_eq!(listed, LoyaltyError::CODES, "pkg-template/index.d.ts ErrorCode vs LoyaltyError::CODES");
}
