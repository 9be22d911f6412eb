//! The hand-written side of `task_service.rs`: the route
//! `POST /tasks/{id}/events/{event}` of `examples/task_service.rs` as an
//! application would write it with sqlx and no stateforge, on the
//! store's tables and with the store's two statements (the row, then the
//! versioned update and its history record as one statement), the task's
//! JSON taken apart and put together as `serde_json::Value`.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::{Map, Value, json};
use sqlx::postgres::PgPool;
use sqlx::{AssertSqlSafe, Row};

/// A status and the body saying why.
type Refusal = (StatusCode, axum::Json<Value>);

fn refuse(status: StatusCode, message: impl Into<String>) -> Refusal {
    (status, axum::Json(json!({ "message": message.into() })))
}

/// The pool and the statements the route runs.
pub(crate) struct HandTasks {
    pool: PgPool,
    row: Arc<str>,
    write: Arc<str>,
}

impl HandTasks {
    /// On the tables of the store whose prefix is `prefix`.
    pub(crate) fn new(pool: PgPool, prefix: &str) -> HandTasks {
        let (e, h) = (
            format!("{prefix}sf_entities"),
            format!("{prefix}sf_history"),
        );
        let row = format!(
            "SELECT machine, entity_id, state, data, version, fingerprint, session, created_at, updated_at FROM {e} WHERE machine = $1 AND entity_id = $2"
        );
        // `write` of `runtime/src/db/postgres/sql.rs`, for a machine
        // without timers.
        let write = format!(
            "WITH updated AS (
            UPDATE {e} AS cur
            SET state = $1, data = $2, version = cur.version + 1, fingerprint = $3, updated_at = $4
            FROM {e} AS prev
            WHERE cur.machine = $5 AND cur.entity_id = $6 AND cur.version = $7
              AND cur.state = ANY($8::TEXT[])
              AND (cur.session IS NULL OR cur.session = $13::TEXT OR $14::BOOLEAN)
              AND prev.machine = cur.machine AND prev.entity_id = cur.entity_id
            RETURNING prev.state AS from_state, cur.session, cur.version),
         recorded AS (
            INSERT INTO {h} (machine, entity_id, from_state, to_state, event, reason, actor, session, at, metadata, version)
            SELECT $5, $6, updated.from_state, $1, $9, $10, $11, updated.session, $4, $12, updated.version
            FROM updated
            RETURNING version)
         SELECT version FROM recorded"
        );
        HandTasks {
            pool,
            row: row.into(),
            write: write.into(),
        }
    }

    pub(crate) fn pool(&self) -> &PgPool {
        &self.pool
    }
}

/// The route, on `tasks`.
pub(crate) fn hand_router(tasks: Arc<HandTasks>) -> Router {
    Router::new()
        .route("/tasks/{id}/events/{event}", post(fire_event))
        .with_state(tasks)
}

/// An event with its argument, read from the path and the body.
enum Event {
    Assign(String),
    Start,
    Complete,
    Fail(String),
    Escalate(String),
    Retry,
}

impl Event {
    fn parse(name: &str, mut fields: Map<String, Value>) -> Result<Event, Refusal> {
        let mut text = |field: &str| match fields.remove(field) {
            Some(Value::String(s)) => Ok(s),
            _ => Err(refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("event `{name}`: `{field}` (a string) is required"),
            )),
        };
        Ok(match name {
            "assign" => Event::Assign(text("agent")?),
            "start" => Event::Start,
            "complete" => Event::Complete,
            "fail" => Event::Fail(text("reason")?),
            "escalate" => Event::Escalate(text("reason")?),
            "retry" => Event::Retry,
            _ => {
                return Err(refuse(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    format!("no event `{name}`"),
                ));
            }
        })
    }

    fn name(&self) -> &'static str {
        match self {
            Event::Assign(_) => "assign",
            Event::Start => "start",
            Event::Complete => "complete",
            Event::Fail(_) => "fail",
            Event::Escalate(_) => "escalate",
            Event::Retry => "retry",
        }
    }

    /// The states it leads from, as the write checks them.
    fn sources(&self) -> &'static [&'static str] {
        match self {
            Event::Assign(_) => &["pending"],
            Event::Start => &["assigned"],
            Event::Complete => &["in_progress"],
            Event::Fail(_) | Event::Escalate(_) => &["assigned", "in_progress"],
            Event::Retry => &["failed"],
        }
    }

    /// The state it enters and the task's data there, from `state` and
    /// `data` (`{"context": ..., "data": ...}`), or why not.
    fn apply(&self, state: &str, mut data: Value) -> Result<(&'static str, Value), Refusal> {
        if !self.sources().contains(&state) {
            return Err(refuse(
                StatusCode::CONFLICT,
                format!("event `{}` is not allowed in state `{state}`", self.name()),
            ));
        }
        let context = &mut data["context"];
        let (to, state_data) = match self {
            Event::Assign(agent) => {
                context["agent"] = json!(agent);
                ("assigned", json!({ "agent": agent }))
            }
            Event::Start => ("in_progress", data["data"].take()),
            Event::Complete => {
                context["completed_at"] = json!(stateforge::Timestamp::now());
                ("completed", Value::Null)
            }
            Event::Fail(reason) => ("failed", json!({ "reason": reason })),
            Event::Escalate(reason) => ("escalated", json!({ "reason": reason })),
            Event::Retry => {
                let retries = context["retries"].as_u64().unwrap_or(0);
                if retries >= 2 {
                    return Err(refuse(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "event `retry`: the guard said no",
                    ));
                }
                context["retries"] = json!(retries + 1);
                context["agent"] = Value::Null;
                ("pending", Value::Null)
            }
        };
        data["data"] = state_data;
        Ok((to, data))
    }
}

fn database(e: sqlx::Error) -> Refusal {
    refuse(StatusCode::SERVICE_UNAVAILABLE, e.to_string())
}

async fn fire_event(
    State(tasks): State<Arc<HandTasks>>,
    Path((id, name)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<axum::Json<Value>, Refusal> {
    let fields = if body.iter().all(u8::is_ascii_whitespace) {
        Map::new()
    } else {
        match serde_json::from_slice(&body) {
            Ok(Value::Object(fields)) => fields,
            _ => {
                return Err(refuse(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "the body must be a JSON object",
                ));
            }
        }
    };
    let actor = headers.get("x-actor").and_then(|v| v.to_str().ok());
    let event = Event::parse(&name, fields)?;
    let mut conn = tasks.pool.acquire().await.map_err(database)?;
    // As many attempts as the store gives a fire that conflicts.
    for _ in 0..32 {
        let row = sqlx::query(AssertSqlSafe(Arc::clone(&tasks.row)))
            .bind("task")
            .bind(&id)
            .fetch_optional(&mut *conn)
            .await
            .map_err(database)?
            .ok_or_else(|| refuse(StatusCode::NOT_FOUND, format!("no task `{id}`")))?;
        let state: String = row.get(2);
        let data: String = row.get(3);
        let version: i64 = row.get(4);
        let fingerprint: String = row.get(5);
        let data: Value = serde_json::from_str(&data)
            .map_err(|e| refuse(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
        let (to, data) = event.apply(&state, data)?;
        let written = sqlx::query(AssertSqlSafe(Arc::clone(&tasks.write)))
            .bind(to)
            .bind(data.to_string())
            .bind(fingerprint)
            .bind(stateforge::Timestamp::now().as_micros())
            .bind("task")
            .bind(&id)
            .bind(version)
            .bind(event.sources())
            .bind(event.name())
            .bind(None::<&str>)
            .bind(actor)
            .bind("null")
            .bind(None::<&str>)
            .bind(false)
            .fetch_optional(&mut *conn)
            .await
            .map_err(database)?;
        if let Some(written) = written {
            let version: i64 = written.get(0);
            let Value::Object(mut task) = data else {
                unreachable!("the data was read as an object");
            };
            task.insert("state".to_owned(), json!(to));
            return Ok(axum::Json(json!({
                "id": id,
                "state": to,
                "version": version,
                "task": task,
            })));
        }
    }
    Err(refuse(
        StatusCode::CONFLICT,
        format!("task `{id}` kept changing"),
    ))
}
