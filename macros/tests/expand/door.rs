/// A door with a lock.
#[derive(Debug, Clone)]
pub machine Door {
    context: u32;
    initial state Closed;
    state Open;
    state Locked { code: u16 }
    final state Broken;

    event open: Closed -> Open;
    event close: Open -> Closed;
    event lock(code: u16): Closed -> Locked;
    event unlock(code: u16): Locked -> Closed if code_matches => count_unlock;
    event smash: Closed | Locked -> Broken;
    event autoclose: Open -> Closed after 30s;
}
