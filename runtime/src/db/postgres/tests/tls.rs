//! TLS (feature `postgres-tls`): the local server is given a certificate
//! made here and SSL is turned on over SQL (as a superuser), then the
//! backend connects with `sslmode=require` and `sslmode=verify-full`.
//!
//! The server is never left broken: the certificate and key are written
//! to a directory of their own in the server's data directory (where they
//! stay, since the server's configuration names them from then on; a
//! later run reuses them), moved there whole once complete, and a reload
//! that cannot read them keeps the configuration the server had. SSL
//! stays on afterwards; clear connections are still served.

use std::fs;
use std::io::Write as _;
use std::os::unix::fs::{MetadataExt as _, OpenOptionsExt as _, chown};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sqlx::AssertSqlSafe;
use sqlx::postgres::{PgPool, PgPoolOptions};

use super::{PATIENCE, pg_url};
use crate::db::backend::{Backend, Scope};
use crate::db::postgres::PgBackend;
use crate::db::schema::TablePrefix;
use crate::db::{StoreError, StoreOptions};

/// The names the certificate is good for.
const NAMES: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

/// The certificate's directory in `data_dir`: made (whole, then moved in
/// place) unless a run before made it. Owned by the server's user, as the
/// server wants its key (mode 0600).
fn certificate(data_dir: &Path, uid: u32, gid: u32) -> std::io::Result<PathBuf> {
    let dir = data_dir.join("stateforge_test_tls");
    if dir.join("server.crt").is_file() && dir.join("server.key").is_file() {
        return Ok(dir);
    }
    let made = rcgen::generate_simple_self_signed(NAMES.map(str::to_owned).to_vec())
        .map_err(std::io::Error::other)?;
    let tmp = data_dir.join(format!("stateforge_test_tls.{}", std::process::id()));
    if tmp.exists() {
        fs::remove_dir_all(&tmp)?;
    }
    fs::create_dir(&tmp)?;
    for (name, text, mode) in [
        ("server.crt", made.cert.pem(), 0o644),
        ("server.key", made.signing_key.serialize_pem(), 0o600),
    ] {
        let path = tmp.join(name);
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(&path)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        chown(&path, Some(uid), Some(gid))?;
    }
    chown(&tmp, Some(uid), Some(gid))?;
    match fs::rename(&tmp, &dir) {
        Ok(()) => Ok(dir),
        // Another run moved its own in first: that one serves.
        Err(_) if dir.join("server.key").is_file() => {
            fs::remove_dir_all(&tmp)?;
            Ok(dir)
        }
        Err(e) => Err(e),
    }
}

/// `sql`'s one value on `pool`.
async fn value<T>(pool: &PgPool, sql: &str) -> T
where
    T: for<'r> sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres> + Send + Unpin,
{
    sqlx::query_scalar(AssertSqlSafe(sql.to_owned()))
        .fetch_one(pool)
        .await
        .unwrap()
}

/// `url` with `parameters` added to its query.
fn with(url: &str, parameters: &str) -> String {
    let joint = if url.contains('?') { '&' } else { '?' };
    format!("{url}{joint}{parameters}")
}

/// Whether the backend's connections to `url` are encrypted, once the
/// server serves them (a reload takes effect shortly after it is asked).
async fn encrypted(url: &str, prefix: &TablePrefix) -> Result<bool, StoreError> {
    let options = StoreOptions::new().acquire_timeout(Duration::from_secs(2));
    let started = Instant::now();
    let b = loop {
        match PgBackend::connect(url, prefix, &options).await {
            Ok(b) => break b,
            Err(e) if started.elapsed() > PATIENCE => return Err(e),
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    };
    let mut c = b.begin(Scope::Single).await?;
    let ssl: bool = sqlx::query_scalar("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        .fetch_one(c.reader())
        .await
        .unwrap();
    drop(c);
    b.drop_tables().await?;
    b.close().await;
    Ok(ssl)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_backend_connects_over_tls_and_verifies_the_server() {
    let Some(url) = pg_url() else { return };
    let admin = PgPoolOptions::new()
        .max_connections(1)
        .connect(&with(&url, "sslmode=disable"))
        .await
        .unwrap();
    let superuser: bool = value(
        &admin,
        "SELECT rolsuper FROM pg_roles WHERE rolname = current_user",
    )
    .await;
    if !superuser {
        println!("skipped: turning SSL on needs a superuser, and the test's role is not one");
        return;
    }
    let data_dir: String = value(&admin, "SELECT current_setting('data_directory')").await;
    let Ok(owner) = fs::metadata(&data_dir) else {
        println!("skipped: the server's data directory {data_dir} is not on this machine");
        return;
    };
    let dir = match certificate(Path::new(&data_dir), owner.uid(), owner.gid()) {
        Ok(dir) => dir,
        Err(e) => {
            println!("skipped: cannot write the certificate into {data_dir}: {e}");
            return;
        }
    };
    let quoted = |path: PathBuf| path.display().to_string().replace('\'', "''");
    let (cert, key) = (
        quoted(dir.join("server.crt")),
        quoted(dir.join("server.key")),
    );
    for sql in [
        format!("ALTER SYSTEM SET ssl_cert_file = '{cert}'"),
        format!("ALTER SYSTEM SET ssl_key_file = '{key}'"),
        "ALTER SYSTEM SET ssl = on".to_owned(),
        "SELECT pg_reload_conf()".to_owned(),
    ] {
        sqlx::raw_sql(AssertSqlSafe(sql))
            .execute(&admin)
            .await
            .unwrap();
    }

    let prefix = TablePrefix::new("sqlx_tls_").unwrap();
    let required = encrypted(&with(&url, "sslmode=require"), &prefix).await;
    assert!(required.unwrap(), "sslmode=require is encrypted");
    let host = url
        .split_once("://")
        .map(|(_, rest)| rest.rsplit_once('@').map_or(rest, |(_, host)| host))
        .and_then(|rest| rest.split(['/', '?']).next())
        .map(|host| {
            host.rsplit_once(':')
                .map_or(host, |(name, _)| name)
                .trim_matches(['[', ']'])
        })
        .unwrap_or_default()
        .to_owned();
    if NAMES.contains(&host.as_str()) {
        let root = dir.join("server.crt");
        let verified = with(
            &url,
            &format!("sslmode=verify-full&sslrootcert={}", root.display()),
        );
        assert!(
            encrypted(&verified, &prefix).await.unwrap(),
            "verify-full is encrypted"
        );
    } else {
        println!("verify-full not tried: the certificate does not name {host}");
    }
    // Clear connections are still served.
    let clear = encrypted(&with(&url, "sslmode=disable"), &prefix).await;
    assert!(!clear.unwrap(), "sslmode=disable is clear");
    admin.close().await;
}
