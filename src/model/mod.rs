//! Plain data shared by the layers above: check outcomes, the export wire
//! records and hook deliveries. serde and std only; imports nothing of redline but what the
//! records hold.

pub mod check;
pub mod delivery;
pub mod record;
