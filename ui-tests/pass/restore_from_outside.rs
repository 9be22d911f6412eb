// From outside the declaring module, `restore` is the documented way to hold a machine in a non-initial state.

mod tasks {
    stateforge::state_machine! {
        pub machine Task {
            context: u32;
            initial state Pending;
            state Assigned { agent: String }
            final state Done;
            event assign(agent: String): Pending -> Assigned;
            event finish: Assigned -> Done;
        }
    }
}

use tasks::{Assigned, Task};

fn main() {
    let task = Task::<Assigned>::restore(
        3,
        Assigned {
            agent: "ada".to_owned(),
        },
    );
    assert_eq!(task.state_name(), "assigned");
    let done = task.finish();
    assert_eq!(*done.context(), 3);
}
