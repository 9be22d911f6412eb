// Use case 1's task machine, as a user declares it: states with and
// without data, guards and actions on a context. Declared once for the
// typed tests and for the standalone crate trybuild compiles
// (`ui-tests/pass/task_machine.rs`), which both `include!` it; a comment,
// not `//!`, since an included file cannot hold inner attributes.

stateforge::state_machine! {
    /// Lifecycle of a task handed to an agent.
    #[derive(Debug, Clone, PartialEq)]
    pub machine Task {
        context: TaskData;

        initial state Pending;
        state Assigned { agent: String }
        state InProgress { agent: String }
        final state Completed;
        state Failed { reason: String }
        final state Escalated { reason: String }

        event assign(agent: String): Pending -> Assigned => on_assign;
        event start: Assigned -> InProgress;
        event complete: InProgress -> Completed => on_complete;
        event fail(reason: String): Assigned | InProgress -> Failed;
        event escalate(reason: String): Assigned | InProgress -> Escalated;
        event retry: Failed -> Pending if can_retry => on_retry;
    }
}

/// The task record the machine carries.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct TaskData {
    title: String,
    agent: Option<String>,
    retries: u32,
    completed: bool,
}

fn on_assign(task: &mut TaskData, _from: &Pending, agent: &str) {
    task.agent = Some(agent.to_owned());
}

fn on_complete(task: &mut TaskData, _from: &InProgress) {
    task.completed = true;
}

fn can_retry(task: &TaskData, _from: &Failed) -> bool {
    task.retries < 2
}

fn on_retry(task: &mut TaskData, _from: &Failed) {
    task.retries += 1;
    task.agent = None;
}
