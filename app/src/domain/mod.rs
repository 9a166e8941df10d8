//! Pure domain rules shared by the phone (wasm) and the server.
//!
//! Nothing in here may touch the browser or the database: these rules are compiled into both
//! sides and unit-tested once.

pub mod access;
pub mod assessment;
pub mod audit;
pub mod closure;
pub mod device;
pub mod duplicate;
pub mod follow_up;
pub mod indicator;
pub mod institution;
pub mod plan;
pub mod problem;
#[cfg(test)]
mod properties;
pub mod protection;
pub mod record;
pub mod referral;
pub mod role;
pub mod school;
pub mod service;
pub mod sync;
pub mod text;
pub mod user;

pub use access::{Action, Refusal, Scope, Target};
pub use institution::{Institution, InstitutionKind};
pub use record::{FieldError, Fields, Problem, RecordKind};
pub use role::Role;
pub use user::{NewUser, SessionUser, UserInputError, UserSummary};
