//! The JavaScript binding: the only module that knows JavaScript exists (compiled for wasm32
//! only). Every export is a thin adapter: it reads JS values into the core's types, calls the
//! core, and turns the result into plain JS values; every failure is thrown as `LoyaltyError`.
//!
//! Exports are flat and prefixed by area (`lootlySign`, `phpJsonEncode`); the npm package's
//! hand-written entry points (pkg-template/) re-export them as the `lootly`, `php` and `woowup`
//! namespaces. A new function adds its adapter here, its public name in `pkg-template/<area>.js`
//! and its type in `index.d.ts` (tests/types/surface.mjs fails when the types and the exports
//! differ). A new area adds `src/wasm/<area>.rs` (exports named `<area>…`, as woowup did),
//! `pkg-template/<area>.js` (the renaming re-exports), its namespace in `pkg-template/api.js`,
//! in the `export const { … } = api()` line of each entry point and in `index.d.ts`.
//!
//! - [`error`]: `LoyaltyError` (a real JS `Error` subclass, defined in `glue.js`,
//!   the JavaScript half of the binding).
//! - [`input`]: JS arguments → Rust (JSON text or objects, strings, option objects, numbers).
//! - [`output`]: Rust → JS (requests ready for `fetch`, plain result objects).
//! - [`platform`]: the platform's HMAC-SHA256 (`node:crypto` in Node) when an entry point
//!   registers one.
//!
//! Public (and hidden from the docs) only so that tests/wasm_*.rs can call the exports with JS
//! values, exactly as the package's JavaScript does.

#[cfg(feature = "cli")]
pub mod batch;
pub mod dom;
pub mod error;
mod input;
pub mod lootly;
mod output;
pub mod php;
pub mod platform;
#[cfg(feature = "woowup-js")]
pub mod woowup;
#[cfg(feature = "woowup-js")]
pub mod woowup_v3;
