//! Use case 1 as a service: the agent dispatcher's task API on axum, its
//! tasks in a stateforge store shared by every request.
//!
//! ```sh
//! cargo run --example task_service                 # 127.0.0.1:3000, tasks in task_service.db
//! cargo run --example task_service -- my.db 8080   # another file, another port
//! curl -s -XPOST localhost:3000/tasks -H 'content-type: application/json' \
//!      -d '{"id": "t-1", "title": "Write the report"}'
//! curl -s -XPOST localhost:3000/tasks/t-1/events/assign -H 'content-type: application/json' \
//!      -d '{"agent": "ada"}'
//! curl -s localhost:3000/tasks/t-1/history
//! ```
//!
//! Errors map to HTTP: 404 for an unknown task, 409 for an event the task
//! cannot take in its state or a concurrent change, 422 for a guard that
//! said no or arguments that do not fit the event, 503 when the database
//! is busy or out of connections (retry). Bad input is never a 500.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use stateforge::Machine;
use stateforge::Timestamp;
use stateforge::runtime::db::{HistoryQuery, Loaded, Store, StoreError, TransitionMeta};

stateforge::state_machine! {
    /// Lifecycle of a task handed to an agent.
    #[derive(Debug, Clone, PartialEq)]
    pub machine Task {
        context: TaskRecord;
        initial state Pending;
        state Assigned { agent: String }
        state InProgress { agent: String }
        final state Completed;
        state Failed { reason: String }
        final state Escalated { reason: String }

        event assign(agent: String): Pending -> Assigned => record_agent;
        event start: Assigned -> InProgress;
        event complete: InProgress -> Completed => stamp_completion;
        event fail(reason: String): Assigned | InProgress -> Failed;
        event escalate(reason: String): Assigned | InProgress -> Escalated;
        event retry: Failed -> Pending if can_retry => clear_assignment;
    }
}

/// The task's own record, carried through every state; a new task's
/// body gives its title, the rest starts empty.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TaskRecord {
    /// What to do.
    pub title: String,
    /// The agent it is assigned to, if any.
    pub agent: Option<String>,
    /// When it was completed.
    pub completed_at: Option<Timestamp>,
    /// How many times it was retried.
    pub retries: u32,
}

fn record_agent(task: &mut TaskRecord, _from: &Pending, agent: &str) {
    task.agent = Some(agent.to_owned());
}

fn stamp_completion(task: &mut TaskRecord, _from: &InProgress) {
    task.completed_at = Some(Timestamp::now());
}

fn can_retry(task: &TaskRecord, _from: &Failed) -> bool {
    task.retries < 2
}

fn clear_assignment(task: &mut TaskRecord, _from: &Failed) {
    task.retries += 1;
    task.agent = None;
}

/// The service's routes, on `store`.
pub fn router(store: Store) -> Router {
    Router::new()
        .route("/tasks", post(create_task))
        .route("/tasks/{id}", get(get_task))
        .route("/tasks/{id}/events/{event}", post(fire_event))
        .route("/tasks/{id}/history", get(history))
        .route("/tasks/{id}/diagram", get(diagram))
        .with_state(store)
}

/// An error as the client sees it: a status and `{"error", "message"}`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    kind: &'static str,
    message: String,
}

impl ApiError {
    fn unprocessable(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            kind: "bad_request",
            message: message.into(),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        let status = match &e {
            StoreError::NotFound { .. } => StatusCode::NOT_FOUND,
            StoreError::NotAllowed { .. }
            | StoreError::Conflict { .. }
            | StoreError::AlreadyExists { .. }
            | StoreError::OtherSession { .. } => StatusCode::CONFLICT,
            StoreError::GuardRefused { .. }
            | StoreError::Vetoed { .. }
            | StoreError::UnknownEvent { .. }
            | StoreError::InvalidEntityId(_) => StatusCode::UNPROCESSABLE_ENTITY,
            e if e.is_retryable() => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        if status == StatusCode::INTERNAL_SERVER_ERROR {
            tracing::error!(error = %e, "task service");
        }
        ApiError {
            status,
            kind: e.kind(),
            message: e.to_string(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({ "error": self.kind, "message": self.message });
        (self.status, axum::Json(body)).into_response()
    }
}

/// A task as the API shows it.
fn view(id: &str, task: &AnyTask, version: u64) -> Value {
    json!({
        "id": id,
        "state": task.state_name(),
        "version": version,
        "task": task,
    })
}

/// The request body as a JSON object (empty when there is none).
fn object(body: &Bytes) -> Result<serde_json::Map<String, Value>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(serde_json::Map::new());
    }
    match serde_json::from_slice(body) {
        Ok(Value::Object(fields)) => Ok(fields),
        Ok(_) => Err(ApiError::unprocessable("the body must be a JSON object")),
        Err(e) => Err(ApiError::unprocessable(format!(
            "the body is not JSON: {e}"
        ))),
    }
}

/// Who is acting: the `x-actor` header, if any.
fn meta(headers: &HeaderMap) -> TransitionMeta {
    let meta = TransitionMeta::new();
    match headers.get("x-actor").and_then(|v| v.to_str().ok()) {
        Some(actor) => meta.actor(actor),
        None => meta,
    }
}

async fn create_task(
    State(store): State<Store>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, axum::Json<Value>), ApiError> {
    let mut fields = object(&body)?;
    let Some(Value::String(id)) = fields.remove("id") else {
        return Err(ApiError::unprocessable("`id` (a string) is required"));
    };
    let record: TaskRecord = serde_json::from_value(Value::Object(fields))
        .map_err(|e| ApiError::unprocessable(format!("not a task: {e}")))?;
    let task = AnyTask::from(Task::new(record));
    let created = store.create(&id, &task, &meta(&headers)).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(view(&id, &task, created.version)),
    ))
}

async fn get_task(
    State(store): State<Store>,
    Path(id): Path<String>,
) -> Result<axum::Json<Value>, ApiError> {
    let Loaded {
        machine, version, ..
    } = store.load::<AnyTask>(&id).await?;
    Ok(axum::Json(view(&id, &machine, version)))
}

async fn fire_event(
    State(store): State<Store>,
    Path((id, event)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<axum::Json<Value>, ApiError> {
    let mut fields = object(&body)?;
    fields.insert("event".to_owned(), Value::String(event.clone()));
    let event: TaskEvent = serde_json::from_value(Value::Object(fields))
        .map_err(|e| ApiError::unprocessable(format!("event `{event}`: {e}")))?;
    let fired = store.fire::<AnyTask>(&id, event, &meta(&headers)).await?;
    Ok(axum::Json(view(&id, &fired.machine, fired.version)))
}

async fn history(
    State(store): State<Store>,
    Path(id): Path<String>,
) -> Result<axum::Json<Value>, ApiError> {
    // Not found rather than an empty list for a task that does not exist.
    store.load::<AnyTask>(&id).await?;
    let records = store.history(&HistoryQuery::entity("task", &id)).await?;
    Ok(axum::Json(json!(records)))
}

async fn diagram(State(store): State<Store>, Path(id): Path<String>) -> Result<String, ApiError> {
    let task = store.load::<AnyTask>(&id).await?;
    let mut mermaid = AnyTask::definition().to_mermaid();
    // The task's state, highlighted.
    mermaid.push_str("    classDef current fill:#f96,stroke:#333\n");
    mermaid.push_str(&format!(
        "    class {} current\n",
        task.machine.state_name()
    ));
    Ok(mermaid)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(|| "task_service.db".to_owned());
    let port: u16 = args.next().map_or(Ok(3000), |p| p.parse())?;
    let store = Store::sqlite(&path).await?;
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!(
        "task service on http://{}, tasks in {path}",
        listener.local_addr()?
    );
    axum::serve(listener, router(store)).await?;
    Ok(())
}
