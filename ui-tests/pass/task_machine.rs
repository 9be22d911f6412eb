// The agent dispatcher's task machine in a crate of its own: what a user who only
// declares it compiles.

include!("../../tests/support/task.rs");

fn main() {
    let task = Task::new(TaskData::default())
        .assign("ada".into())
        .start()
        .fail("boom".into());
    let task = task
        .retry()
        .unwrap()
        .assign("bob".into())
        .start()
        .complete();
    assert!(task.context().completed);
    assert_eq!(task.context().title, "");
    assert_eq!(task.context().retries, 1);
    let any = AnyTask::from(task);
    assert!(any.is_final());
}
