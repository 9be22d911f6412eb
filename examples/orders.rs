//! A shop's order service inside its own database: its orders and
//! payments are its own tables, made by its own migration; stateforge
//! moves each order inside the service's transactions and tells billing,
//! a second component, through the outbox.
//!
//! ```sh
//! cargo run --example orders                   # SQLite, in orders.db
//! cargo run --example orders -- shop.db        # another file
//! STATEFORGE_PG_URL=postgres://postgres@127.0.0.1:5432/test cargo run --example orders
//! ```
//!
//! On PostgreSQL (a `postgres://` argument, or `STATEFORGE_PG_URL`) the
//! example's tables are under the prefix `orders_ex_`, dropped and made
//! again at each run (drop them with `Db::drop_app_tables` and
//! `Store::drop_tables`).
//!
//! What it shows:
//! - the application's migration (`orders`, `payments`, a foreign key and
//!   checks) beside the store's own tables;
//! - placing an order (the `orders` row and the entity) and paying it
//!   (the transition, its history record, its outbox message and the
//!   `payments` row) each as one transaction of the application's: a
//!   payment the application's own check refuses leaves the order placed,
//!   with no invoice;
//! - an outbox listener composing the invoice from the order it moved;
//! - billing fed by an `OutboxWorker`, deduplicating by message key, so
//!   a delivery whose acknowledgement was lost invoices once;
//! - a client retrying a payment whose reply it lost, with the same
//!   idempotency key: the order moves once, one payment row, one invoice.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use stateforge::runtime::Listeners;
use stateforge::runtime::db::{
    Fired, OutboxMessage, OutboxWorker, Store, StoreOptions, TablePrefix, TransitionMeta,
};
use tokio_util::sync::CancellationToken;

stateforge::state_machine! {
    /// An order, as the shop's rules move it; its context is its total,
    /// in cents.
    #[derive(Debug, Clone)]
    pub machine Order {
        context: u64;
        initial state Placed;
        state Paid;
        final state Shipped;
        final state Cancelled;
        event pay: Placed -> Paid;
        event ship: Paid -> Shipped;
        event cancel: Placed -> Cancelled;
    }
}

/// Any error of the service.
pub type AppError = Box<dyn std::error::Error + Send + Sync>;

/// The application's migration, run by the application: its own tables,
/// named under `prefix`. The store runs its own migrations.
fn app_migration(prefix: &str) -> String {
    format!(
        "CREATE TABLE IF NOT EXISTS {prefix}orders (
             id TEXT PRIMARY KEY,
             customer TEXT NOT NULL,
             total_cents BIGINT NOT NULL CHECK (total_cents > 0)
         );
         CREATE TABLE IF NOT EXISTS {prefix}payments (
             request_id TEXT PRIMARY KEY,
             order_id TEXT NOT NULL REFERENCES {prefix}orders (id),
             amount_cents BIGINT NOT NULL CHECK (amount_cents > 0)
         );"
    )
}

/// The service's database: the store, and the application's own way in
/// (on SQLite the store's units, which run the application's statements
/// on the store's connection; on PostgreSQL the sqlx pool the store runs
/// on).
pub enum Db {
    /// One SQLite file.
    Sqlite {
        /// The store, for the application's transactions, the worker and
        /// the reads.
        store: Store,
    },
    /// A PostgreSQL database.
    Postgres {
        /// The application's pool, which the store shares.
        pool: sqlx::PgPool,
        /// The store.
        store: Store,
        /// The prefix of every table, the application's and the store's.
        prefix: TablePrefix,
    },
}

impl Db {
    /// The service on the SQLite file `path`, migrated.
    pub async fn sqlite(path: &Path) -> Result<Db, AppError> {
        let db = Db::Sqlite {
            store: Store::sqlite(path).await?,
        };
        db.migrate().await?;
        Ok(db)
    }

    /// The service on PostgreSQL at `url`, its tables under `prefix`,
    /// migrated.
    pub async fn postgres(url: &str, prefix: &TablePrefix) -> Result<Db, AppError> {
        let pool = sqlx::PgPool::connect(url).await?;
        let store = Store::from_pool_with(pool.clone(), prefix, &StoreOptions::new()).await?;
        let db = Db::Postgres {
            pool,
            store,
            prefix: prefix.clone(),
        };
        db.migrate().await?;
        Ok(db)
    }

    /// The store.
    pub fn store(&self) -> &Store {
        match self {
            Db::Sqlite { store, .. } | Db::Postgres { store, .. } => store,
        }
    }

    fn prefix(&self) -> &str {
        match self {
            Db::Sqlite { .. } => "",
            Db::Postgres { prefix, .. } => prefix.as_str(),
        }
    }

    async fn migrate(&self) -> Result<(), AppError> {
        let sql = app_migration(self.prefix());
        match self {
            Db::Sqlite { store } => {
                in_unit(store, move |conn| Ok(conn.execute_batch(&sql)?)).await?
            }
            Db::Postgres { pool, .. } => {
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                    .execute(pool)
                    .await?;
            }
        }
        Ok(())
    }

    /// Drops the application's tables (the store's are the store's to
    /// drop).
    pub async fn drop_app_tables(&self) -> Result<(), AppError> {
        let p = self.prefix();
        let sql = format!("DROP TABLE IF EXISTS {p}payments; DROP TABLE IF EXISTS {p}orders;");
        match self {
            Db::Sqlite { store } => {
                in_unit(store, move |conn| Ok(conn.execute_batch(&sql)?)).await?
            }
            Db::Postgres { pool, .. } => {
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                    .execute(pool)
                    .await?;
            }
        }
        Ok(())
    }

    /// Places an order: the application's `orders` row and the entity,
    /// in one transaction of the application's.
    pub async fn place(&self, id: &str, customer: &str, total: u64) -> Result<(), AppError> {
        let insert = format!(
            "INSERT INTO {}orders (id, customer, total_cents) VALUES ($1, $2, $3)",
            self.prefix()
        );
        let order = AnyOrder::from(Order::new(total));
        let meta = TransitionMeta::new().actor(customer);
        match self {
            Db::Sqlite { store } => {
                let mut unit = store.begin().await?;
                let row = (id.to_owned(), customer.to_owned(), i64::try_from(total)?);
                unit.sqlite(move |conn| -> Result<_, AppError> {
                    Ok(conn.execute(&insert, rusqlite::params![row.0, row.1, row.2])?)
                })
                .await?;
                unit.create(id, &order, &meta).await?;
                unit.commit().await?;
            }
            Db::Postgres { pool, store, .. } => {
                let mut tx = pool.begin().await?;
                sqlx::query(sqlx::AssertSqlSafe(insert))
                    .bind(id)
                    .bind(customer)
                    .bind(i64::try_from(total)?)
                    .execute(&mut *tx)
                    .await?;
                let mut unit = store.unit_in(&mut tx)?;
                unit.create(id, &order, &meta).await?;
                unit.commit().await?;
                tx.commit().await?;
            }
        }
        Ok(())
    }

    /// Pays order `id` for the client's request `request_id` (its
    /// idempotency key): the transition (with the invoice the listeners
    /// compose) and the `payments` row, in one transaction of the
    /// application's. A request sent again moves nothing and returns the
    /// first outcome, marked replayed; its payment row is already there.
    pub async fn pay(
        &self,
        listeners: &Listeners<AnyOrder>,
        id: &str,
        request_id: &str,
        amount: u64,
    ) -> Result<Fired<AnyOrder>, AppError> {
        let insert = format!(
            "INSERT INTO {}payments (request_id, order_id, amount_cents) VALUES ($1, $2, $3)
             ON CONFLICT (request_id) DO NOTHING",
            self.prefix()
        );
        let meta = TransitionMeta::new().idempotency_key(request_id);
        let fired = match self {
            Db::Sqlite { store } => {
                let mut unit = store.begin().await?;
                let fired = unit
                    .fire_with(listeners, id, OrderEvent::Pay, &meta)
                    .await?;
                // The application's own write, after the transition, in
                // the same transaction: if it fails, the unit is dropped,
                // and both roll back.
                let row = (request_id.to_owned(), id.to_owned(), i64::try_from(amount)?);
                unit.sqlite(move |conn| -> Result<_, AppError> {
                    Ok(conn.execute(&insert, rusqlite::params![row.0, row.1, row.2])?)
                })
                .await?;
                unit.commit().await?;
                fired
            }
            Db::Postgres { pool, store, .. } => {
                let mut tx = pool.begin().await?;
                let mut unit = store.unit_in(&mut tx)?;
                let fired = unit
                    .fire_with(listeners, id, OrderEvent::Pay, &meta)
                    .await?;
                unit.commit().await?;
                // The application's own write, after the transition: if
                // it fails, `tx` is dropped, and both roll back.
                sqlx::query(sqlx::AssertSqlSafe(insert))
                    .bind(request_id)
                    .bind(id)
                    .bind(i64::try_from(amount)?)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                fired
            }
        };
        Ok(fired)
    }

    /// How many payment rows order `id` has, by the application's own
    /// query.
    pub async fn payments_of(&self, id: &str) -> Result<i64, AppError> {
        let sql = format!(
            "SELECT count(*) FROM {}payments WHERE order_id = $1",
            self.prefix()
        );
        Ok(match self {
            Db::Sqlite { store } => {
                let id = id.to_owned();
                in_unit(store, move |conn| {
                    Ok(conn.query_row(&sql, [id], |r| r.get(0))?)
                })
                .await?
            }
            Db::Postgres { pool, .. } => {
                sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                    .bind(id)
                    .fetch_one(pool)
                    .await?
            }
        })
    }

    /// The order's status, from the store's row beside the application's
    /// `orders` row. Here is the one place that would change were the
    /// machine mapped onto a `status` column of `orders`: the
    /// application's own queries would then read it too.
    pub async fn status(&self, id: &str) -> Result<(OrderState, u64), AppError> {
        let loaded = self.store().load::<AnyOrder>(id).await?;
        Ok((loaded.machine.state(), loaded.version))
    }
}

/// Runs the application's `statements` alone in a unit of the SQLite
/// store's: one transaction, on the store's connection.
async fn in_unit<T: Send + 'static>(
    store: &Store,
    statements: impl FnOnce(&rusqlite::Connection) -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    let mut unit = store.begin().await?;
    let out = unit.sqlite(statements).await?;
    unit.commit().await?;
    Ok(out)
}

/// The second component: billing, told of paid orders through the
/// outbox. It remembers the keys of the messages it invoiced, so that a
/// message delivered again (its acknowledgement lost) invoices once.
#[derive(Debug, Default)]
pub struct Billing {
    /// Invoices by message key: (order, total in cents).
    pub invoices: Mutex<BTreeMap<String, (String, u64)>>,
    /// Every delivery, repeated ones included.
    pub deliveries: Mutex<usize>,
}

impl Billing {
    /// Takes an `invoice` message.
    pub fn receive(&self, m: &OutboxMessage) -> Result<(), String> {
        *self.deliveries.lock().unwrap() += 1;
        let total = m.payload["total_cents"]
            .as_u64()
            .ok_or_else(|| format!("{}: no total", m.key))?;
        self.invoices
            .lock()
            .unwrap()
            .entry(m.key.clone())
            .or_insert_with(|| (m.entity_id.clone(), total));
        Ok(())
    }
}

/// The invoice, composed from the order that was paid: written with the
/// payment's transition, or not at all.
pub fn invoicing() -> Listeners<AnyOrder> {
    let mut listeners = Listeners::new();
    listeners.outbox("invoice", |t, order: &AnyOrder| {
        (t.event == "pay").then(|| serde_json::json!({ "total_cents": order.context() }))
    });
    listeners
}

/// What a run said, line by line, and what billing received.
#[derive(Debug)]
pub struct Report {
    /// The story, as printed.
    pub lines: Vec<String>,
    /// Billing, after the worker stopped.
    pub billing: Arc<Billing>,
}

/// Runs the story on `db`.
pub async fn run(db: &Db) -> Result<Report, AppError> {
    let mut lines = Vec::new();
    let mut say = |line: String| {
        println!("{line}");
        lines.push(line);
    };
    let listeners = invoicing();
    db.place("o-1", "ada", 4200).await?;
    db.place("o-2", "bob", 990).await?;
    let (state, version) = db.status("o-1").await?;
    say(format!("o-1 placed by ada: {state}, version {version}"));

    // The application's check refuses a payment of nothing, after the
    // transition: the whole transaction rolls back, invoice included.
    let refused = db.pay(&listeners, "o-2", "req-bob-1", 0).await;
    let (state, version) = db.status("o-2").await?;
    say(format!(
        "o-2 paid 0: {}; o-2 {state}, version {version}, {} payment(s)",
        if refused.is_err() {
            "refused by the application"
        } else {
            "accepted"
        },
        db.payments_of("o-2").await?
    ));

    let paid = db.pay(&listeners, "o-1", "req-ada-7", 4200).await?;
    say(format!(
        "o-1 paid (request req-ada-7): {} -> {}, version {}",
        paid.from, paid.to, paid.loaded.version
    ));
    // The client lost the reply and sends the same request again.
    let again = db.pay(&listeners, "o-1", "req-ada-7", 4200).await?;
    say(format!(
        "o-1 paid again (request req-ada-7): replayed {}, version {}, {} payment(s)",
        again.replayed,
        again.loaded.version,
        db.payments_of("o-1").await?
    ));

    // Billing takes the invoice, but its acknowledgement is lost: the
    // message stays in the outbox.
    let billing = Arc::new(Billing::default());
    OutboxWorker::new()
        .deliver_once(db.store(), |m: OutboxMessage| {
            let taken = billing.receive(&m);
            async move { taken.and(Err("acknowledgement lost".to_owned())) }
        })
        .await?;
    say(format!(
        "billing took {} invoice(s); its acknowledgement was lost",
        billing.invoices.lock().unwrap().len()
    ));

    // The worker, a task of its own, delivers it again.
    let stop = CancellationToken::new();
    let worker = tokio::spawn({
        let (store, billing, stop) = (db.store().clone(), Arc::clone(&billing), stop.clone());
        async move {
            let handler = move |m: OutboxMessage| {
                let taken = billing.receive(&m);
                async move { taken }
            };
            OutboxWorker::new()
                .poll_interval(Duration::from_millis(20))
                .run(&store, handler, stop)
                .await;
        }
    });
    for _ in 0..500 {
        if *billing.deliveries.lock().unwrap() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    stop.cancel();
    worker.await?;
    let invoices = billing.invoices.lock().unwrap().clone();
    for (key, (order, total)) in &invoices {
        say(format!(
            "billing invoiced {order}: {total} cents (message {key})"
        ));
    }
    say(format!(
        "billing: {} deliveries, {} invoice(s)",
        billing.deliveries.lock().unwrap(),
        invoices.len()
    ));
    Ok(Report { lines, billing })
}

#[tokio::main]
async fn main() -> Result<(), AppError> {
    let target = std::env::args()
        .nth(1)
        .or_else(|| std::env::var("STATEFORGE_PG_URL").ok())
        .unwrap_or_else(|| "orders.db".to_owned());
    let db = if target.starts_with("postgres://") || target.starts_with("postgresql://") {
        let prefix = TablePrefix::new("orders_ex_")?;
        let db = Db::postgres(&target, &prefix).await?;
        // A fresh start: this run's tables only.
        db.drop_app_tables().await?;
        db.store().drop_tables().await?;
        Db::postgres(&target, &prefix).await?
    } else {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{target}{suffix}"));
        }
        Db::sqlite(Path::new(&target)).await?
    };
    println!("orders kept in {}\n", db.store().backend());
    run(&db).await?;
    Ok(())
}
