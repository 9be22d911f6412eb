// `new` exists only on the initial state: `Task::<Assigned>::new(..)` does not.

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

use tasks::Task;

fn main() {
    let _task = Task::<tasks::Assigned>::new(0);
}
