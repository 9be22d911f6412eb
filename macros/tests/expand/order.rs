/// An order decided by guarded alternatives.
pub machine Order {
    context: u32;
    initial state Submitted;
    state Review { score: u8 }
    final state Accepted;
    final state Rejected;

    event decide(score: u8):
        Submitted -> Accepted if good => count,
        Submitted -> Rejected if bad,
        Submitted -> Review;
    event settle: Review -> Accepted if high, Review -> Rejected if low;
}
