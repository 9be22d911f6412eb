// `pub(crate)` visibility, and doc comments on the machine, its states, fields, events and arguments.
#![deny(missing_docs)]
//! A crate whose machine is documented everywhere.

mod tasks {
    stateforge::state_machine! {
        /// A task, visible to this crate only.
        #[derive(Debug, Clone)]
        pub(crate) machine Task {
            context: u32;

            /// Waiting for an agent.
            initial state Pending;
            /// Held by an agent.
            state Assigned {
                /// Who holds it.
                agent: String,
            }
            /// Done for good.
            final state Done;

            /// Hands the task to an agent.
            event assign(
                /// The agent taking the task.
                agent: String,
            ): Pending -> Assigned;
            /// Finishes the task.
            event finish: Assigned -> Done;
        }
    }
}

fn main() {
    let task = tasks::Task::new(1).assign("ada".to_owned());
    assert_eq!(task.state().agent, "ada");
    let done = task.finish();
    let any = tasks::AnyTask::from(done);
    assert!(any.is_final());
}
