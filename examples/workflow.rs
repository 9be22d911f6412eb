//! Use case 2: workflow runs and their steps, with guards, listeners, a
//! controller that cascades in one transaction, history, and sessions;
//! and a release whose checks run side by side, in parallel regions.
//!
//! ```sh
//! cargo run --example workflow
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use stateforge::runtime::Listeners;
use stateforge::runtime::db::{
    HistoryQuery, StoreError, TransitionMeta,
    blocking::{Store, StoreUnit},
};

/// The workflow machine (its own module: its states share names with the
/// step machine's, and states are types).
pub mod workflow {
    stateforge::state_machine! {
        /// A workflow run.
        #[derive(Debug, Clone)]
        pub machine Workflow {
            context: Spec;
            initial state Draft;
            state Planning;
            state Executing;
            state Paused;
            state WaitingApproval;
            final state Completed;
            final state Failed;
            final state Cancelled;

            event plan: Draft -> Planning if has_task_description;
            event execute: Planning -> Executing if has_valid_plan;
            event request_approval: Executing -> WaitingApproval;
            event approve(by: String): WaitingApproval -> Executing if has_approval;
            event pause: Planning | Executing | WaitingApproval -> Paused;
            event resume: Paused -> Executing;
            event complete: Executing -> Completed;
            event fail(reason: String): Planning | Executing | WaitingApproval | Paused -> Failed;
            event cancel: Draft | Planning | Executing | WaitingApproval | Paused -> Cancelled;
        }
    }

    /// What the workflow is to do.
    #[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
    pub struct Spec {
        /// The task, in words.
        pub description: String,
        /// The planned steps.
        pub plan: Vec<String>,
        /// Who may approve.
        pub approvers: Vec<String>,
    }

    fn has_task_description(s: &Spec, _: &Draft) -> bool {
        !s.description.trim().is_empty()
    }

    fn has_valid_plan(s: &Spec, _: &Planning) -> bool {
        !s.plan.is_empty()
    }

    fn has_approval(s: &Spec, _: &WaitingApproval, by: &str) -> bool {
        s.approvers.iter().any(|a| a == by)
    }
}

/// The step machine.
pub mod step {
    stateforge::state_machine! {
        /// One step of a workflow; a failed step may run again.
        #[derive(Debug, Clone)]
        pub machine Step {
            initial state Pending;
            state Running;
            state Paused;
            state WaitingApproval;
            final state Completed;
            state Failed;
            final state Skipped;
            final state Cancelled;

            event start: Pending -> Running;
            event pause: Running | WaitingApproval -> Paused;
            event resume: Paused -> Running;
            event request_approval: Running -> WaitingApproval;
            event approve: WaitingApproval -> Running;
            event complete: Running -> Completed;
            event fail: Running -> Failed;
            event retry: Failed -> Running;
            event skip: Pending -> Skipped;
            event cancel: Pending | Running | Paused | WaitingApproval | Failed -> Cancelled;
        }
    }
}

/// The release machine: its checks (tests, docs) run in parallel regions,
/// each on its own, and it publishes once both are done.
pub mod release {
    stateforge::state_machine! {
        /// A release: queued, then checked by tests and docs at once.
        #[derive(Debug, Clone)]
        pub machine Release {
            initial state Queued;
            parallel state Checking {
                region Tests {
                    initial state Testing;
                    state Broken { reason: String }
                    final state Tested;
                }
                region Docs {
                    initial state Writing;
                    final state Written;
                }
            }
            final state Published;
            final state Abandoned;

            event check: Queued -> Checking;
            event pass_tests: Testing -> Tested;
            event break_tests(reason: String): Testing -> Broken;
            event retest: Broken -> Testing;
            event write_docs: Writing -> Written;
            // From every configuration of `Checking`, whatever its regions.
            event abandon: Checking -> Abandoned;
            // Only once every region is in a final state.
            event publish: done(Checking) -> Published;
        }
    }
}

use release::{AnyRelease, Release, ReleaseEvent};
use step::{AnyStep, Step, StepEvent, StepState};
use workflow::{AnyWorkflow, Spec, Workflow, WorkflowEvent};

/// A step of a status report: its id, its state, the events it accepts.
pub type StepStatus = (String, StepState, Vec<&'static str>);

/// Pauses, resumes and cancels workflows together with their steps, each
/// as one atomic unit, for one session.
pub struct Controller<'a> {
    store: &'a Store,
    session: String,
    steps: Listeners<AnyStep>,
}

impl<'a> Controller<'a> {
    /// A controller acting for `session`, with step listeners.
    pub fn new(store: &'a Store, session: &str, steps: Listeners<AnyStep>) -> Self {
        Controller {
            store,
            session: session.to_owned(),
            steps,
        }
    }

    fn meta(&self) -> TransitionMeta {
        TransitionMeta::new()
            .session(&self.session)
            .actor("controller")
    }

    /// The ids of `workflow`'s steps.
    ///
    /// # Errors
    ///
    /// The store's.
    pub fn steps_of(&self, workflow: &str) -> Result<Vec<String>, StoreError> {
        let prefix = format!("{workflow}/");
        Ok(self
            .store
            .entities("step", None)?
            .into_iter()
            .map(|e| e.entity_id)
            .filter(|id| id.starts_with(&prefix))
            .collect())
    }

    fn workflow(&self, id: &str) -> Result<AnyWorkflow, StoreError> {
        Ok(self.store.load::<AnyWorkflow>(id)?.machine)
    }

    /// Whether `id` can be paused now.
    pub fn can_pause(&self, id: &str) -> bool {
        self.workflow(id)
            .is_ok_and(|w| w.can_fire(&WorkflowEvent::Pause))
    }

    /// Whether `id` can be resumed now.
    pub fn can_resume(&self, id: &str) -> bool {
        self.workflow(id)
            .is_ok_and(|w| w.can_fire(&WorkflowEvent::Resume))
    }

    /// Whether `id` can be cancelled now.
    pub fn can_cancel(&self, id: &str) -> bool {
        self.workflow(id)
            .is_ok_and(|w| w.can_fire(&WorkflowEvent::Cancel))
    }

    /// Fires `workflow_event` on the workflow and `step_event` on each of its
    /// steps in one of `states`: all of it commits, or none.
    fn cascade(
        &self,
        id: &str,
        workflow_event: WorkflowEvent,
        step_event: &StepEvent,
        states: &[StepState],
    ) -> Result<usize, StoreError> {
        let steps = self.steps_of(id)?;
        self.store.unit(|u: &StoreUnit<'_, '_>| {
            u.fire::<AnyWorkflow>(id, workflow_event, &self.meta())?;
            let mut moved = 0;
            for step in &steps {
                if states.contains(&u.load::<AnyStep>(step)?.machine.state()) {
                    u.fire_with(&self.steps, step, step_event.clone(), &self.meta())?;
                    moved += 1;
                }
            }
            Ok(moved)
        })
    }

    /// Pauses the workflow and its running or waiting steps.
    ///
    /// # Errors
    ///
    /// A refusal or veto anywhere: then nothing moved.
    pub fn pause(&self, id: &str) -> Result<usize, StoreError> {
        self.cascade(
            id,
            WorkflowEvent::Pause,
            &StepEvent::Pause,
            &[StepState::Running, StepState::WaitingApproval],
        )
    }

    /// Resumes the workflow and its paused steps.
    ///
    /// # Errors
    ///
    /// A refusal or veto anywhere: then nothing moved.
    pub fn resume(&self, id: &str) -> Result<usize, StoreError> {
        self.cascade(
            id,
            WorkflowEvent::Resume,
            &StepEvent::Resume,
            &[StepState::Paused],
        )
    }

    /// Cancels the workflow and every step not yet finished.
    ///
    /// # Errors
    ///
    /// A refusal or veto anywhere: then nothing moved.
    pub fn cancel(&self, id: &str) -> Result<usize, StoreError> {
        let open = [
            StepState::Pending,
            StepState::Running,
            StepState::Paused,
            StepState::WaitingApproval,
            StepState::Failed,
        ];
        self.cascade(id, WorkflowEvent::Cancel, &StepEvent::Cancel, &open)
    }

    /// Each step's state and the events it accepts, in order.
    ///
    /// # Errors
    ///
    /// The store's.
    pub fn status(&self, id: &str) -> Result<Vec<StepStatus>, StoreError> {
        let mut report = Vec::new();
        for step in self.steps_of(id)? {
            let machine = self.store.load::<AnyStep>(&step)?.machine;
            report.push((step, machine.state(), machine.allowed_events().to_vec()));
        }
        Ok(report)
    }
}

/// The events `workflow` accepts now, each with the state it leads to, as
/// `event -> state`, read from [`AnyWorkflow::definition`].
pub fn next_states(workflow: &AnyWorkflow) -> Vec<String> {
    let def = AnyWorkflow::definition();
    let Some(here) = def.state_id(workflow.state().as_str()) else {
        return Vec::new();
    };
    def.transitions()
        .iter()
        .filter(|t| t.from == here)
        .map(|t| format!("{} -> {}", def.event_name(t.event), def.state_name(t.to)))
        .collect()
}

/// What a run did, for its test.
#[derive(Debug, Default)]
pub struct Report {
    /// One line per step, as printed.
    pub lines: Vec<String>,
}

impl Report {
    fn say(&mut self, line: String) {
        println!("{line}");
        self.lines.push(line);
    }
}

/// Runs two workflows of session `s-1` through their lives.
///
/// # Errors
///
/// The store's failures; refusals and vetoes are part of the run.
pub fn run(store: &Store) -> Result<Report, StoreError> {
    let mut report = Report::default();
    let meta = || TransitionMeta::new().session("s-1").actor("planner");

    // A release freeze: a before-listener vetoes completing steps while on.
    let freeze = Arc::new(AtomicBool::new(false));
    let mut steps = Listeners::<AnyStep>::new();
    let frozen = Arc::clone(&freeze);
    steps.before("release freeze", move |t, _| {
        if t.event == "complete" && frozen.load(Ordering::SeqCst) {
            Err("release freeze in effect".to_owned())
        } else {
            Ok(())
        }
    });
    // The test environment can be down: then steps may not resume.
    let hold = Arc::new(AtomicBool::new(false));
    let held = Arc::clone(&hold);
    steps.before("test environment", move |t, _| {
        if t.event == "resume" && held.load(Ordering::SeqCst) {
            Err("test environment down".to_owned())
        } else {
            Ok(())
        }
    });
    // A notifier whose webhook is down: it fails, nothing else does.
    steps.after("webhook", |_, _| Err("webhook unreachable".into()));
    // A metrics hook with a bug: it panics on completions; the panic is
    // caught and logged.
    steps.after("metrics", |t, _| {
        assert!(t.event != "complete", "metrics hook bug");
        Ok(())
    });
    let controller = Controller::new(store, "s-1", steps);

    let spec = Spec {
        description: "ship the release".into(),
        plan: vec!["build".into(), "test".into(), "publish".into()],
        approvers: vec!["ada".into()],
    };
    store.create(
        "wf-1",
        &AnyWorkflow::from(Workflow::new(Spec::default())),
        &meta(),
    )?;
    match store.fire::<AnyWorkflow>("wf-1", WorkflowEvent::Plan, &meta()) {
        Err(why @ (StoreError::NotAllowed { .. } | StoreError::GuardRefused { .. })) => {
            report.say(format!("wf-1: refused: {why}"))
        }
        other => report.say(format!("wf-1: unexpected: {other:?}")),
    }
    store.create("wf-2", &AnyWorkflow::from(Workflow::new(spec)), &meta())?;
    for e in [WorkflowEvent::Plan, WorkflowEvent::Execute] {
        store.fire::<AnyWorkflow>("wf-2", e, &meta())?;
    }
    report.say("wf-2: draft -> planning -> executing".to_owned());
    for name in ["build", "test", "publish"] {
        store.create(
            &format!("wf-2/{name}"),
            &AnyStep::from(Step::new()),
            &meta(),
        )?;
    }
    for e in [StepEvent::Start, StepEvent::Complete] {
        store.fire_with(&controller.steps, "wf-2/build", e, &meta())?;
    }
    report.say(
        "wf-2/build: pending -> running -> completed \
         (its webhook failed and its metrics hook panicked, nothing else did)"
            .to_owned(),
    );
    store.fire_with(&controller.steps, "wf-2/test", StepEvent::Start, &meta())?;

    freeze.store(true, Ordering::SeqCst);
    if let Err(e) = store.fire_with(&controller.steps, "wf-2/test", StepEvent::Complete, &meta()) {
        report.say(format!("wf-2/test: {e}"));
    }
    freeze.store(false, Ordering::SeqCst);

    // What may happen next, from the machine's own definition.
    let wf = store.load::<AnyWorkflow>("wf-2")?.machine;
    report.say(format!(
        "wf-2: {} allows {}",
        wf.state(),
        next_states(&wf).join(", ")
    ));
    report.say(format!(
        "wf-2: may resume? {}; may complete? {}",
        wf.can_fire(&WorkflowEvent::Resume),
        wf.can_fire(&WorkflowEvent::Complete)
    ));

    // The approval gate: only a listed approver gets the workflow going on.
    store.fire::<AnyWorkflow>("wf-2", WorkflowEvent::RequestApproval, &meta())?;
    for by in ["bob", "ada"] {
        match store.fire::<AnyWorkflow>(
            "wf-2",
            WorkflowEvent::Approve { by: by.into() },
            &meta().actor(by),
        ) {
            Ok(w) => report.say(format!("wf-2: approved by {by}, now {}", w.machine.state())),
            Err(e) => report.say(format!("wf-2: {by}: {e}")),
        }
    }

    // Pause cascades to the running step, in one transaction.
    let can = |c: &Controller<'_>| {
        format!(
            "can pause {}, resume {}, cancel {}",
            c.can_pause("wf-2"),
            c.can_resume("wf-2"),
            c.can_cancel("wf-2")
        )
    };
    report.say(format!("wf-2: {}", can(&controller)));
    let moved = controller.pause("wf-2")?;
    report.say(format!(
        "wf-2: paused with {moved} step(s); {}",
        can(&controller)
    ));
    for (step, state, events) in controller.status("wf-2")? {
        report.say(format!(
            "  {step}: {state}, accepts [{}]",
            events.join(", ")
        ));
    }

    // A cascade that fails half-way moves nothing: inside the unit the
    // workflow resumes first, then the step's resume is vetoed, and the
    // whole unit rolls back.
    hold.store(true, Ordering::SeqCst);
    if let Err(e) = controller.resume("wf-2") {
        let state = store.load::<AnyWorkflow>("wf-2")?.machine.state();
        report.say(format!(
            "wf-2: resume refused ({e}); the workflow is still {state}"
        ));
    }
    hold.store(false, Ordering::SeqCst);
    let moved = controller.resume("wf-2")?;
    report.say(format!("wf-2: resumed with {moved} step(s)"));

    // Another session may not move this session's workflow.
    let intruder = Controller::new(store, "s-2", Listeners::new());
    if let Err(e) = intruder.cancel("wf-2") {
        report.say(format!("s-2 cancelling wf-2: {e}"));
    }
    let moved = controller.cancel("wf-2")?;
    report.say(format!("wf-2: cancelled with {moved} step(s)"));
    for (step, state, _) in controller.status("wf-2")? {
        report.say(format!("  {step}: {state}"));
    }

    let history = store.history(&HistoryQuery::entity("workflow", "wf-2"))?;
    report.say(format!(
        "wf-2 history: {}",
        history
            .iter()
            .map(|r| r.to.as_str())
            .collect::<Vec<_>>()
            .join(" -> ")
    ));
    let session = store.history(&HistoryQuery::session("s-1"))?;
    report.say(format!("session s-1: {} records", session.len()));
    Ok(report)
}

/// Runs release `rel-1` of session `s-1`: its tests break and are run
/// again while its docs are written, each region on its own; it may only
/// publish once both are done.
///
/// # Errors
///
/// The store's failures; the early publish's refusal is part of the run.
pub fn run_release(store: &Store) -> Result<Report, StoreError> {
    let mut report = Report::default();
    let meta = || TransitionMeta::new().session("s-1").actor("release bot");
    store.create("rel-1", &AnyRelease::from(Release::new()), &meta())?;
    let steps = [
        ReleaseEvent::Check,
        ReleaseEvent::WriteDocs,
        ReleaseEvent::BreakTests {
            reason: "flaky login test".into(),
        },
    ];
    for event in steps {
        let name = event.name();
        let fired = store.fire::<AnyRelease>("rel-1", event, &meta())?;
        report.say(format!("rel-1: {name} -> {}", fired.machine.state()));
    }
    // The docs are written but the tests are broken: not done yet.
    if let Err(e) = store.fire::<AnyRelease>("rel-1", ReleaseEvent::Publish, &meta()) {
        report.say(format!("rel-1: publish refused: {e}"));
    }
    for event in [
        ReleaseEvent::Retest,
        ReleaseEvent::PassTests,
        ReleaseEvent::Publish,
    ] {
        let name = event.name();
        let fired = store.fire::<AnyRelease>("rel-1", event, &meta())?;
        report.say(format!("rel-1: {name} -> {}", fired.machine.state()));
    }
    let history = store.history(&HistoryQuery::entity("release", "rel-1"))?;
    report.say(format!(
        "rel-1 history: {}",
        history
            .iter()
            .map(|r| r.to.as_str())
            .collect::<Vec<_>>()
            .join(" | ")
    ));
    Ok(report)
}

/// A fresh store for one run: `workflow.db` (removed first: the example
/// starts over), or with `STATEFORGE_PG_URL` tables of this run's own.
fn fresh_store() -> Result<Store, Box<dyn std::error::Error>> {
    if let Some(url) = std::env::var("STATEFORGE_PG_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let prefix = stateforge::runtime::db::TablePrefix::new(&format!("workflow_{secs}_"))?;
        return Ok(Store::open_with(&url, &prefix)?);
    }
    let path = "workflow.db";
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{path}{suffix}"));
    }
    Ok(Store::from_env(path)?)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The metrics hook's panic is caught by the store; say so in one line
    // instead of the default message and backtrace.
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .copied()
            .unwrap_or("a panic");
        eprintln!("  (a listener panicked, isolated: {what})");
    }));
    let store = fresh_store()?;
    println!("workflows kept in {}\n", store.backend());
    run(&store)?;
    println!();
    run_release(&store)?;
    println!("\nsummary:");
    let wf = store.load::<AnyWorkflow>("wf-2")?.machine;
    println!("  wf-2: {}", wf.state());
    for id in Controller::new(&store, "s-1", Listeners::new()).steps_of("wf-2")? {
        println!("  {id}: {}", store.load::<AnyStep>(&id)?.machine.state());
    }
    println!("\nhistory of session s-1:");
    for r in store.history(&HistoryQuery::session("s-1"))? {
        println!(
            "  {:<8} {:<14} {:>16} -> {:<16} {:<16} by {}",
            r.machine,
            r.entity_id,
            r.from.as_deref().unwrap_or("(created)"),
            r.to,
            r.event.as_deref().unwrap_or(""),
            r.actor.as_deref().unwrap_or("-"),
        );
    }
    Ok(())
}
