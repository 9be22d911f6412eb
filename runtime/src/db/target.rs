//! What a store's target names: a PostgreSQL URL, or else an SQLite file.

use std::borrow::Cow;

/// `target` with its scheme in lower case, if it is a PostgreSQL URL
/// (`postgres://` or `postgresql://`, in any case); `None` otherwise. The
/// PostgreSQL driver reads the lower-case schemes only, but a scheme is
/// case-insensitive, and `POSTGRES://` names nothing else: taken for a
/// file, it would create one by that name.
///
/// ```
/// use stateforge_runtime::db::postgres_url;
/// assert_eq!(postgres_url("POSTGRES://db/app").as_deref(), Some("postgres://db/app"));
/// assert_eq!(postgres_url("postgresql://db/app").as_deref(), Some("postgresql://db/app"));
/// assert_eq!(postgres_url("tasks.db"), None);
/// ```
pub fn postgres_url(target: &str) -> Option<Cow<'_, str>> {
    ["postgres://", "postgresql://"]
        .into_iter()
        .find_map(|scheme| {
            let head = target.get(..scheme.len())?;
            if head == scheme {
                Some(Cow::Borrowed(target))
            } else if head.eq_ignore_ascii_case(scheme) {
                Some(Cow::Owned(format!("{scheme}{}", &target[scheme.len()..])))
            } else {
                None
            }
        })
}
