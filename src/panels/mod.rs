//! The explorer's side panels, one per file: invariants and liveness, the node inspector, the lock table, the
//! basket form, a message's panel and the partition tool.

mod basket;
mod inspector;
mod invariants;
mod lock_table;
mod message;
mod partition;

pub use basket::*;
pub use inspector::*;
pub use invariants::*;
pub use lock_table::*;
pub use message::*;
pub use partition::*;
