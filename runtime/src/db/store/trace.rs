//! The spans of store operations: one per operation, named after it, with
//! the fields of OpenTelemetry's database conventions that apply
//! (`db.system.name`, `db.operation.name`) and the transition's own
//! (machine, entity, event, from, to, version), its outcome and duration.

use std::future::Future;
use std::time::Instant;

use tracing::Instrument;
use tracing::field::Empty;

use crate::db::StoreError;

/// A span for operation `operation` of machine `machine` on `entity`.
pub(crate) fn span(
    system: &'static str,
    operation: &'static str,
    machine: &str,
    entity: &str,
) -> tracing::Span {
    tracing::info_span!(
        "stateforge.store",
        otel.name = operation,
        db.system.name = system,
        db.operation.name = operation,
        machine,
        entity,
        event = Empty,
        from = Empty,
        to = Empty,
        version = Empty,
        outcome = Empty,
        duration_us = Empty,
    )
}

/// Runs `operation` in `span`, recording its outcome (`ok`, or the
/// error's kind) and duration.
pub(crate) async fn traced<T>(
    span: tracing::Span,
    operation: impl Future<Output = Result<T, StoreError>>,
) -> Result<T, StoreError> {
    let started = Instant::now();
    let out = operation.instrument(span.clone()).await;
    let elapsed = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    span.record("duration_us", elapsed);
    match &out {
        Ok(_) => span.record("outcome", "ok"),
        Err(e) => span.record("outcome", e.kind()),
    };
    out
}

/// The span of creating `entity` of machine `M`, in the state `machine` is in.
pub(crate) fn create_span<M: stateforge_core::Machine>(
    system: &'static str,
    entity: &str,
    machine: &M,
) -> tracing::Span {
    let span = span(system, "create", M::definition().name(), entity);
    span.record("to", machine.state_name());
    span
}

/// The span of firing `event` on `entity` of machine `M`; the
/// transition's states and version are recorded by [`record_fired`].
pub(crate) fn fire_span<M: stateforge_core::Machine>(
    system: &'static str,
    entity: &str,
    event: &M::Event,
) -> tracing::Span {
    let def = M::definition();
    let span = span(system, "fire", def.name(), entity);
    span.record("event", def.event_name(stateforge_core::Event::id(event)));
    span
}

/// The span of saving `machine`, moved by `event`, as `entity`.
pub(crate) fn save_span<M: stateforge_core::Machine>(
    system: &'static str,
    entity: &str,
    event: &str,
    machine: &M,
) -> tracing::Span {
    let span = span(system, "save", M::definition().name(), entity);
    span.record("event", event);
    span.record("to", machine.state_name());
    span
}

/// Records the transition a fire wrote on its span.
pub(crate) fn record_fired<M>(span: &tracing::Span, fired: &crate::db::Fired<M>) {
    span.record("from", fired.from);
    span.record("to", fired.to);
    span.record("version", fired.loaded.version);
}

/// The span of creating `entity` as the dynamic machine `machine`.
pub(crate) fn create_dyn_span(
    system: &'static str,
    entity: &str,
    machine: &crate::DynMachine<serde_json::Value>,
) -> tracing::Span {
    let span = span(system, "create", machine.definition().name(), entity);
    span.record("to", machine.state_name());
    span
}

/// The span of firing the event named `event` on `entity` of the dynamic
/// machine `machine`; where it led is recorded by [`record_fired_dyn`].
pub(crate) fn fire_dyn_span(
    system: &'static str,
    machine: &str,
    entity: &str,
    event: &str,
) -> tracing::Span {
    let span = span(system, "fire", machine, entity);
    span.record("event", event);
    span
}

/// Records where a dynamic fire left its entity.
pub(crate) fn record_fired_dyn(
    span: &tracing::Span,
    loaded: &crate::db::Loaded<crate::DynMachine<serde_json::Value>>,
) {
    span.record("to", loaded.machine.state_name());
    span.record("version", loaded.version);
}
