/// An alarm whose states run actions on entry and exit.
pub machine Alarm {
    context: Vec<String>;
    initial state Idle exit leave_idle;
    state Ringing { round: u32 } entry start_bell exit stop_bell;
    final state Off;
    event ring(round: u32): Idle -> Ringing;
    event snooze: Ringing -> Ringing => next_round;
    event stop: Ringing -> Idle;
    event retire: Idle -> Off;
}
