//! The store's schema as versioned migrations: run by sqlx's migrator in
//! the application's own migration set, rendered for a prefix, checked
//! (not applied) when the store is opened without migration, and read
//! by a role that may only select.

use std::borrow::Cow;

use sqlx::migrate::{MigrationType, Migrator};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{AssertSqlSafe, SqlSafeStr};
use stateforge::runtime::db::{
    HistoryQuery, Migration, MigrationDialect, Store, StoreError, StoreOptions, TablePrefix,
    TransitionMeta,
};

use crate::pg_fixture::{PgFixture, pg_url, unique_prefix};

stateforge::state_machine! {
    #[derive(Debug, Clone)]
    machine Parcel {
        initial state Packed;
        state Shipped;
        final state Delivered;
        event ship: Packed -> Shipped;
        event deliver: Shipped -> Delivered;
    }
}

fn no_migration() -> StoreOptions {
    StoreOptions::new().migrate(false)
}

/// A PostgreSQL schema of the test's own, dropped with it, and a pool
/// whose connections work in it: the store's tables under their default
/// names, as an application that owns its database has them.
struct OwnSchema {
    admin: sqlx::PgPool,
    name: String,
}

impl OwnSchema {
    async fn new(url: &str, test: &str) -> (OwnSchema, sqlx::PgPool) {
        let name = unique_prefix(test)
            .as_str()
            .trim_end_matches('_')
            .to_owned();
        let admin = sqlx::PgPool::connect(url).await.unwrap();
        sqlx::raw_sql(AssertSqlSafe(format!("CREATE SCHEMA {name}")))
            .execute(&admin)
            .await
            .unwrap();
        let options: PgConnectOptions = url.parse().unwrap();
        let pool = PgPoolOptions::new()
            .max_connections(4)
            .connect_with(options.options([("search_path", name.as_str())]))
            .await
            .unwrap();
        (OwnSchema { admin, name }, pool)
    }

    async fn drop(self) {
        sqlx::raw_sql(AssertSqlSafe(format!("DROP SCHEMA {} CASCADE", self.name)))
            .execute(&self.admin)
            .await
            .unwrap();
    }
}

/// Creates, fires and reads one parcel: the store works on the tables.
async fn use_store(store: &Store) {
    let meta = TransitionMeta::new();
    store
        .create("p-1", &AnyParcel::from(Parcel::new()), &meta)
        .await
        .unwrap();
    let fired = store
        .fire::<AnyParcel>("p-1", ParcelEvent::Ship, &meta)
        .await
        .unwrap();
    assert_eq!(fired.version, 2);
    let history = store
        .history(&HistoryQuery::entity("parcel", "p-1"))
        .await
        .unwrap();
    assert_eq!(history.len(), 2);
}

/// The application runs the store's migration files with its own, in one
/// sqlx migrator; the store, opened without migration, then works on
/// them, and opening it with migration finds nothing to do.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlx_runs_the_store_migrations_in_the_applications_own_set() {
    let Some(url) = pg_url("sqlx_runs_the_store_migrations") else {
        return;
    };
    let (schema, pool) = OwnSchema::new(&url, "sqlx_migrate").await;
    let outcome = async {
        // Applying it before the migrations is refused, creating nothing.
        let err = Store::from_pool_with(pool.clone(), &TablePrefix::default(), &no_migration())
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NoSchema(_)), "{err:?}");
        let application = sqlx::migrate!("tests/stores/app_migrations");
        let stateforge = sqlx::migrate!("runtime/migrations/postgres");
        let mut all: Vec<_> = stateforge
            .iter()
            .chain(application.iter())
            .cloned()
            .collect();
        all.sort_by_key(|m| m.version);
        let migrator = Migrator::with_migrations(all);
        migrator.run(&pool).await.unwrap();
        let applied: Vec<i64> =
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations ORDER BY version")
                .fetch_all(&pool)
                .await
                .unwrap();
        let mut expected: Vec<i64> = Migration::all().iter().map(|m| m.version()).collect();
        expected.push(20260101000000);
        assert_eq!(applied, expected);
        let store = Store::from_pool_with(pool.clone(), &TablePrefix::default(), &no_migration())
            .await
            .unwrap();
        use_store(&store).await;
        // The application's table and the store's, in one transaction.
        let mut tx = pool.begin().await.unwrap();
        let mut unit = store.unit_in(&mut tx).unwrap();
        unit.fire::<AnyParcel>("p-1", ParcelEvent::Deliver, &TransitionMeta::new())
            .await
            .unwrap();
        unit.commit().await.unwrap();
        sqlx::query("INSERT INTO invoices (id, entity_id) VALUES ('i-1', 'p-1')")
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        // Running the set again, or opening with migration, changes nothing.
        migrator.run(&pool).await.unwrap();
        let store =
            Store::from_pool_with(pool.clone(), &TablePrefix::default(), &StoreOptions::new())
                .await
                .unwrap();
        assert_eq!(store.load::<AnyParcel>("p-1").await.unwrap().version, 3);
        store.close().await;
    };
    outcome.await;
    pool.close().await;
    schema.drop().await;
}

/// The store's tables under a prefix, migrated by sqlx from the SQL the
/// store renders for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_prefix_takes_the_migrations_rendered_for_it() {
    let Some(pg) = PgFixture::new("migrations_prefix") else {
        return;
    };
    // The fixture made its tables already; these go under another prefix.
    let prefix = unique_prefix("migrations_prefixed");
    let pool = sqlx::PgPool::connect(&pg.url).await.unwrap();
    let migrations: Vec<sqlx::migrate::Migration> = Migration::all()
        .iter()
        .map(|m| {
            sqlx::migrate::Migration::new(
                m.version(),
                Cow::Borrowed(m.name()),
                MigrationType::Simple,
                AssertSqlSafe(m.sql(MigrationDialect::Postgres, &prefix)).into_sql_str(),
                false,
            )
        })
        .collect();
    let mut migrator = Migrator::with_migrations(migrations);
    let ledger = format!("{}sqlx_migrations", prefix.as_str());
    migrator.dangerous_set_table_name(ledger.clone());
    migrator.run(&pool).await.unwrap();
    let store = Store::from_pool_with(pool.clone(), &prefix, &no_migration())
        .await
        .unwrap();
    use_store(&store).await;
    store.drop_tables().await.unwrap();
    sqlx::raw_sql(AssertSqlSafe(format!("DROP TABLE {ledger}")))
        .execute(&pool)
        .await
        .unwrap();
}

/// Sets the schema version a database records.
async fn record_version_pg(pool: &sqlx::PgPool, prefix: &TablePrefix, version: i64) {
    sqlx::query(AssertSqlSafe(format!(
        "UPDATE {}sf_meta SET value = $1 WHERE key = 'schema_version'",
        prefix.as_str()
    )))
    .bind(version)
    .execute(pool)
    .await
    .unwrap();
}

/// Opened without migration, a database whose schema is older than the
/// store's is refused with the name of the migration to run, and left as
/// it is; opened with migration, it is brought up to date.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_migration_an_older_schema_names_the_migration_to_run() {
    let all = Migration::all();
    let latest = all[all.len() - 1];
    let older = latest.version() - 1;
    let expect_too_old = |err: StoreError| match err {
        StoreError::SchemaTooOld {
            found,
            needed,
            migration,
        } => {
            assert_eq!((found, needed), (older, latest.version()));
            assert_eq!(migration, latest.name());
        }
        other => panic!("{other:?}"),
    };
    // SQLite.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("older.db");
    let path = path.to_str().unwrap();
    Store::open_with(path, &TablePrefix::default(), &StoreOptions::new())
        .await
        .unwrap()
        .close()
        .await;
    let version = |conn: &rusqlite::Connection| -> i64 {
        conn.query_row(
            "SELECT value FROM sf_meta WHERE key = 'schema_version'",
            [],
            |r| r.get(0),
        )
        .unwrap()
    };
    let raw = rusqlite::Connection::open(path).unwrap();
    raw.execute(
        "UPDATE sf_meta SET value = ?1 WHERE key = 'schema_version'",
        [older],
    )
    .unwrap();
    let err = Store::open_with(path, &TablePrefix::default(), &no_migration())
        .await
        .unwrap_err();
    assert!(err.to_string().contains(latest.name()), "{err}");
    expect_too_old(err);
    assert_eq!(version(&raw), older);
    Store::open_with(path, &TablePrefix::default(), &StoreOptions::new())
        .await
        .unwrap()
        .close()
        .await;
    assert_eq!(version(&raw), latest.version());
    // PostgreSQL.
    let Some(pg) = PgFixture::new("older_schema") else {
        return;
    };
    let pool = sqlx::PgPool::connect(&pg.url).await.unwrap();
    record_version_pg(&pool, &pg.prefix, older).await;
    let err = Store::open_with(&pg.url, &pg.prefix, &no_migration())
        .await
        .unwrap_err();
    expect_too_old(err);
    let store = Store::open_with(&pg.url, &pg.prefix, &StoreOptions::new())
        .await
        .unwrap();
    use_store(&store).await;
    store.close().await;
    let now: i64 = sqlx::query_scalar(AssertSqlSafe(format!(
        "SELECT value FROM {}sf_meta WHERE key = 'schema_version'",
        pg.prefix.as_str()
    )))
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(now, latest.version());
}

/// The store's tables under `prefix`, as `pg_class` lists them.
async fn tables_of(pool: &sqlx::PgPool, prefix: &TablePrefix) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT relname::text FROM pg_class WHERE relname LIKE $1 || '%' ORDER BY relname",
    )
    .bind(prefix.as_str())
    .fetch_all(pool)
    .await
    .unwrap()
}

/// A role that may only select reads entities, history and entities'
/// states, opened with or without migration, and creates nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_role_reads_and_creates_nothing() {
    let Some(pg) = PgFixture::new("read_only_role") else {
        return;
    };
    let admin = sqlx::PgPool::connect(&pg.url).await.unwrap();
    let store = pg.async_store().await;
    use_store(&store).await;
    let role = format!("{}reader", pg.prefix.as_str());
    let t = pg.prefix.as_str();
    sqlx::raw_sql(AssertSqlSafe(format!(
        "CREATE ROLE {role} LOGIN;
         GRANT USAGE ON SCHEMA public TO {role};
         GRANT SELECT ON {t}sf_meta, {t}sf_entities, {t}sf_history, {t}sf_timers,
             {t}sf_definitions TO {role};"
    )))
    .execute(&admin)
    .await
    .unwrap();
    let outcome = tokio::spawn({
        let url = pg.url.clone();
        let prefix = pg.prefix.clone();
        let role = role.clone();
        let admin = admin.clone();
        async move {
            let before = tables_of(&admin, &prefix).await;
            let options: PgConnectOptions = url.parse().unwrap();
            let reader = sqlx::PgPool::connect_with(options.username(&role))
                .await
                .unwrap();
            for options in [no_migration(), StoreOptions::new()] {
                let store = Store::from_pool_with(reader.clone(), &prefix, &options)
                    .await
                    .unwrap();
                let rows = store.entities("parcel", Some("shipped")).await.unwrap();
                assert_eq!(rows.len(), 1);
                let history = store
                    .history(&HistoryQuery::entity("parcel", "p-1"))
                    .await
                    .unwrap();
                assert_eq!(history.len(), 2);
                let loaded = store.load::<AnyParcel>("p-1").await.unwrap();
                assert_eq!(loaded.version, 2);
                // Writing is the server's to refuse, and changes nothing.
                assert!(
                    store
                        .fire::<AnyParcel>("p-1", ParcelEvent::Deliver, &TransitionMeta::new())
                        .await
                        .is_err()
                );
            }
            reader.close().await;
            assert_eq!(tables_of(&admin, &prefix).await, before);
        }
    })
    .await;
    sqlx::raw_sql(AssertSqlSafe(format!(
        "DROP OWNED BY {role}; DROP ROLE {role};"
    )))
    .execute(&admin)
    .await
    .unwrap();
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic.into_panic());
    }
    assert_eq!(store.load::<AnyParcel>("p-1").await.unwrap().version, 2);
}
