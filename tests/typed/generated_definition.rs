//! The definition a generated machine builds at run time is the spec the
//! macro checked: pinned here as JSON and fingerprint, so that a change in
//! how the macro emits it (tables instead of a builder chain) cannot
//! change what a store compares rows against.

// Only serde's impls read the states' data; the test needs the definition.
#![cfg_attr(not(feature = "serde"), allow(dead_code))]

mod task {
    stateforge::state_machine! {
        /// A machine with every kind of arm.
        pub machine Task {
            context: u32;

            initial state Pending;
            state Assigned { agent: String }
            state InProgress { agent: String }
            final state Completed;
            state Failed { reason: String }
            final state Escalated { reason: String }

            event assign(agent: String): Pending -> Assigned => on_assign;
            event start: Assigned -> InProgress;
            event complete: InProgress -> Completed => hooks::on_complete;
            event fail(reason: String): Assigned | InProgress -> Failed;
            event escalate(reason: String): Assigned -> Escalated, InProgress -> Escalated if hooks::can_escalate::<u8>;
            event retry: Failed -> Pending if can_retry => on_retry;
        }
    }

    fn on_assign(_: &mut u32, _: &Pending, _: &str) {}
    fn can_retry(retries: &u32, _: &Failed) -> bool {
        *retries < 2
    }
    fn on_retry(retries: &mut u32, _: &Failed) {
        *retries += 1;
    }
    mod hooks {
        pub(super) fn on_complete(_: &mut u32, _: &super::InProgress) {}
        pub(super) fn can_escalate<T: Default + PartialEq>(
            _: &u32,
            _: &super::InProgress,
            _: &str,
        ) -> bool {
            T::default() == T::default()
        }
    }
}

mod session {
    stateforge::state_machine! {
        #[stateforge(allow_unreachable, allow_dead_ends)]
        pub machine Session {
            initial state Connecting;
            state Active;
            state Idle;
            state Suspended;
            state Orphan;
            state Stuck;
            final state Closed;

            event connect: Connecting -> Active;
            event retry: Connecting -> Connecting after 500ms;
            event idle: Active -> Idle after 30s;
            event suspend: Idle -> Suspended after 5min;
            event wake: Idle | Suspended -> Active, Orphan -> Stuck;
            event close: Suspended -> Closed after 2h;
        }
    }
}

/// Each machine's definition as the builder-chain expansion produced it
/// (before the definition was emitted as text), compact JSON and
/// fingerprint.
const PINNED: [(&str, &str); 2] = [
    (
        r#"{"format":1,"name":"task","states":[{"name":"pending","initial":true},{"name":"assigned"},{"name":"in_progress"},{"name":"completed","final":true},{"name":"failed"},{"name":"escalated","final":true}],"events":[{"name":"assign","arms":[{"from":["pending"],"to":"assigned","action":"on_assign"}]},{"name":"start","arms":[{"from":["assigned"],"to":"in_progress"}]},{"name":"complete","arms":[{"from":["in_progress"],"to":"completed","action":"hooks::on_complete"}]},{"name":"fail","arms":[{"from":["assigned","in_progress"],"to":"failed"}]},{"name":"escalate","arms":[{"from":["assigned"],"to":"escalated"},{"from":["in_progress"],"to":"escalated","guard":"hooks::can_escalate"}]},{"name":"retry","arms":[{"from":["failed"],"to":"pending","guard":"can_retry","action":"on_retry"}]}],"checks":{"unreachable":true,"dead_ends":true}}"#,
        "eabc917e21d2dda3",
    ),
    (
        r#"{"format":1,"name":"session","states":[{"name":"connecting","initial":true},{"name":"active"},{"name":"idle"},{"name":"suspended"},{"name":"orphan"},{"name":"stuck"},{"name":"closed","final":true}],"events":[{"name":"connect","arms":[{"from":["connecting"],"to":"active"}]},{"name":"retry","arms":[{"from":["connecting"],"to":"connecting"}]},{"name":"idle","arms":[{"from":["active"],"to":"idle"}]},{"name":"suspend","arms":[{"from":["idle"],"to":"suspended"}]},{"name":"wake","arms":[{"from":["idle","suspended"],"to":"active"},{"from":["orphan"],"to":"stuck"}]},{"name":"close","arms":[{"from":["suspended"],"to":"closed"}]}],"timers":[{"state":"connecting","event":"retry","after_ms":500},{"state":"active","event":"idle","after_ms":30000},{"state":"idle","event":"suspend","after_ms":300000},{"state":"suspended","event":"close","after_ms":7200000}],"checks":{"unreachable":false,"dead_ends":false}}"#,
        "93dc672eca487273",
    ),
];

#[test]
fn generated_definitions_are_the_pinned_ones() {
    let definitions = [
        task::AnyTask::definition(),
        session::AnySession::definition(),
    ];
    for (definition, (json, fingerprint)) in definitions.into_iter().zip(PINNED) {
        assert_eq!(serde_json::to_string(definition).unwrap(), json);
        assert_eq!(definition.fingerprint().to_string(), fingerprint);
    }
}
