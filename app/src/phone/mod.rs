//! The phone's side of field work: what it keeps offline and how it syncs.
//!
//! `model` is pure and unit-tested natively; `store` is the reactive state written through to
//! IndexedDB; `idb`, `net` and `media` touch the browser and exist only in the wasm build.

pub mod export;
pub mod lock;
pub mod model;
pub mod store;

#[cfg(feature = "hydrate")]
pub mod idb;
#[cfg(feature = "hydrate")]
mod js;
#[cfg(feature = "hydrate")]
pub mod media;
#[cfg(feature = "hydrate")]
pub mod net;
#[cfg(feature = "hydrate")]
pub mod sealed;
#[cfg(feature = "hydrate")]
pub mod vault;
