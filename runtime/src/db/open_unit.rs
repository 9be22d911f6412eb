//! The stores that have a unit of work open on this thread. A call to such
//! a store from inside its own unit would wait for ever on SQLite (the
//! unit holds the connection) and, on PostgreSQL, wait on the unit's own
//! row locks until the lock timeout or read the state from before the
//! unit: it is refused with [`StoreError::InsideUnit`] instead.

use std::cell::RefCell;

use super::StoreError;

thread_local! {
    static OPEN: RefCell<Vec<usize>> = const { RefCell::new(Vec::new()) };
}

/// A store's identity while it is borrowed: its address.
fn key<T>(store: &T) -> usize {
    std::ptr::from_ref(store).addr()
}

/// Refuses a call on `store` from inside one of its units on this thread.
pub(crate) fn check_outside<T>(store: &T) -> Result<(), StoreError> {
    let key = key(store);
    if OPEN.with_borrow(|open| open.contains(&key)) {
        Err(StoreError::InsideUnit)
    } else {
        Ok(())
    }
}

/// A unit of `store` open on this thread, until dropped (a panic in the
/// unit's work included).
pub(crate) struct OpenUnit(usize);

impl OpenUnit {
    /// Marks a unit of `store` open; the caller has just called
    /// [`check_outside`] (taking the store's connection does).
    pub(crate) fn mark<T>(store: &T) -> OpenUnit {
        let key = key(store);
        OPEN.with_borrow_mut(|open| open.push(key));
        OpenUnit(key)
    }
}

impl Drop for OpenUnit {
    fn drop(&mut self) {
        OPEN.with_borrow_mut(|open| {
            if let Some(at) = open.iter().rposition(|k| *k == self.0) {
                open.remove(at);
            }
        });
    }
}
