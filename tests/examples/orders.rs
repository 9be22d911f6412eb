//! The order service inside its own database: its tables and migration,
//! transitions inside its transactions, billing told through the outbox,
//! an idempotent retry.

#[allow(dead_code, unreachable_pub)]
#[path = "../../examples/orders.rs"]
mod example;

use example::{Db, OrderState};
use stateforge::runtime::db::{OutboxMessage, OutboxWorker};

use crate::pg_fixture::PgFixture;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_orders_example_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::sqlite(&dir.path().join("shop.db")).await.unwrap();
    check_the_example(&db).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_orders_example_on_postgres() {
    let Some(pg) = PgFixture::new("orders") else {
        return;
    };
    let db = Db::postgres(&pg.url, &pg.prefix).await.unwrap();
    check_the_example(&db).await;
    db.drop_app_tables().await.unwrap();
}

async fn check_the_example(db: &Db) {
    let report = example::run(db).await.unwrap();
    let text = report.lines.join("\n");
    let backend = db.store().backend();

    // The application's check refused a payment after the transition:
    // the order did not move, and no invoice went out.
    assert!(
        text.contains(
            "o-2 paid 0: refused by the application; o-2 placed, version 1, 0 payment(s)"
        ),
        "{backend}:\n{text}"
    );
    assert_eq!(db.status("o-2").await.unwrap(), (OrderState::Placed, 1));
    // Paid once, though the request came twice.
    assert!(text.contains("o-1 paid (request req-ada-7): placed -> paid, version 2"));
    assert!(
        text.contains("o-1 paid again (request req-ada-7): replayed true, version 2, 1 payment(s)"),
        "{backend}:\n{text}"
    );
    assert_eq!(db.status("o-1").await.unwrap(), (OrderState::Paid, 2));
    assert_eq!(db.payments_of("o-1").await.unwrap(), 1);
    // Billing: delivered twice (the first acknowledgement lost), one
    // invoice, for o-1's total.
    let invoices = report.billing.invoices.lock().unwrap().clone();
    let invoiced: Vec<(String, u64)> = invoices.into_values().collect();
    assert_eq!(invoiced, [("o-1".to_owned(), 4200)], "{backend}");
    assert_eq!(*report.billing.deliveries.lock().unwrap(), 2, "{backend}");
    assert!(text.contains("billing: 2 deliveries, 1 invoice(s)"));
    // Nothing left in the outbox.
    let left = OutboxWorker::new()
        .deliver_once(db.store(), |_m: OutboxMessage| async {
            Ok::<(), String>(())
        })
        .await
        .unwrap();
    assert_eq!(left, 0, "{backend}");
}

/// The example's machine, for its picture (`pictures.rs`).
pub(crate) fn definition() -> &'static stateforge::Definition {
    <example::AnyOrder as stateforge::Machine>::definition()
}
