//! What became of one hook for one revision: recorded by the store, shown
//! by `status`. Plain data.

/// The outcome of one hook for one revision.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub revision_id: i64,
    pub hook: String,
    pub attempted_at: String,
    pub attempts: u32,
    pub ok: bool,
    pub error: Option<String>,
}
