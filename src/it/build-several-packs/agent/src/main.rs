// Not a sensor: the pack build must never compile it (cargo build --package extra-sensor).
compile_error!("the agent was compiled: the extra pack's build must build extra-sensor only");

fn main() {
    agent_db::connect();
}
