// Guarded alternatives, with and without an else, under `#![deny(missing_docs)]`:
// the outcome enums are documented; alternatives to one target share a variant.
#![deny(missing_docs, warnings)]
//! A crate with an order machine.

/// Counts decisions.
pub struct Desk(pub u32);

fn good(_: &Desk, _: &Submitted, score: &u8) -> bool {
    *score > 5
}
fn bad(_: &Desk, _: &Submitted, score: &u8) -> bool {
    *score < 2
}
fn vip(_: &Desk, _: &Submitted, score: &u8) -> bool {
    *score == 10
}
fn tally(desk: &mut Desk, _: &Submitted, _: &u8) {
    desk.0 += 1;
}
fn urgent(_: &Desk, s: &Review) -> bool {
    s.score > 3
}

stateforge::state_machine! {
    /// An order.
    pub machine Order {
        context: Desk;
        initial state Submitted;
        state Review { score: u8 }
        final state Accepted;
        final state Rejected;
        event decide(score: u8):
            Submitted -> Accepted if vip,
            Submitted -> Accepted if good => tally,
            Submitted -> Rejected if bad,
            Submitted -> Review;
        event settle: Review -> Accepted if urgent, Review -> Rejected if urgent;
        event drop: Review -> Rejected;
    }
}

fn main() {
    let desk = Desk(0);
    match Order::new(desk).decide(7) {
        OrderDecideFromSubmitted::Accepted(order) => assert_eq!(order.context().0, 1),
        OrderDecideFromSubmitted::Rejected(_) | OrderDecideFromSubmitted::Review(_) => {
            unreachable!()
        }
    }
    let OrderDecideFromSubmitted::Review(review) = Order::new(Desk(0)).decide(4) else {
        unreachable!()
    };
    match review.settle() {
        Ok(OrderSettleFromReview::Accepted(_)) => {}
        Ok(OrderSettleFromReview::Rejected(_)) => unreachable!(),
        Err(refused) => {
            let _ = refused.machine.drop();
        }
    }
}
