// Outside the declaring module a machine cannot be built field by field in a non-initial state.

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
    let _task = Task {
        context: 0,
        state: Assigned {
            agent: "ada".to_owned(),
        },
    };
}
