/// Stands in for the agent's database layer (sqlx, built with SQLX_OFFLINE=true).
pub fn connect() {}
