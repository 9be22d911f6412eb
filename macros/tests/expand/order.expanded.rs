///State `submitted` of [`Order`].
pub struct Submitted;
///State `review` of [`Order`].
pub struct Review {
    ///`score` of state `review`.
    pub score: u8,
}
///State `accepted` of [`Order`] (final).
pub struct Accepted;
///State `rejected` of [`Order`] (final).
pub struct Rejected;
/// An order decided by guarded alternatives.
/**

A `Order<S>` is a machine in state `S`; only the transitions declared out of `S` exist as methods. [`AnyOrder`] holds one in whichever state it is, and [`AnyOrder::definition`] describes the machine.

`new` starts a machine in the initial state; each state's `restore` rebuilds one that is already in that state, from storage: the one way to hold a `Order` in another state without firing events. It runs no guard and no action.*/
/**

# Diagram


<svg xmlns="http://www.w3.org/2000/svg" width="746" height="259" viewBox="18 75 746 259" font-family="sans-serif">
<defs><marker id="sf-order-head" markerWidth="10" markerHeight="7" refX="10" refY="3.5" orient="auto-start-reverse"><polygon points="0 0, 10 3.5, 0 7" fill="#333"/></marker></defs>
<rect x="18" y="75" width="746" height="259" fill="white"/>
<g class="start"><circle cx="37" cy="195" r="7" fill="#333"/>
</g>
<g class="state"><rect x="104" y="177" width="104.5" height="36" rx="8" fill="#f4f6fb" stroke="#333" stroke-width="1.2"/>
<text x="156.3" y="195" font-size="14" text-anchor="middle" dominant-baseline="central" fill="#111">submitted</text>
</g>
<g class="state"><rect x="392.5" y="211" width="79" height="36" rx="8" fill="#f4f6fb" stroke="#333" stroke-width="1.2"/>
<text x="432" y="229" font-size="14" text-anchor="middle" dominant-baseline="central" fill="#111">review</text>
</g>
<g class="state final"><rect x="655.5" y="174.9" width="96" height="36" rx="8" fill="#f4f6fb" stroke="#333" stroke-width="1.2"/>
<rect x="658.5" y="177.9" width="90" height="30" rx="6" fill="none" stroke="#333" stroke-width="1.2"/>
<text x="703.5" y="192.9" font-size="14" text-anchor="middle" dominant-baseline="central" fill="#111">accepted</text>
</g>
<g class="state final"><rect x="655.5" y="285.8" width="96" height="36" rx="8" fill="#f4f6fb" stroke="#333" stroke-width="1.2"/>
<rect x="658.5" y="288.8" width="90" height="30" rx="6" fill="none" stroke="#333" stroke-width="1.2"/>
<text x="703.5" y="303.8" font-size="14" text-anchor="middle" dominant-baseline="central" fill="#111">rejected</text>
</g>
<text class="label" x="563.5" y="295.8" font-size="12" text-anchor="middle" dominant-baseline="central" fill="#111">decide [bad]</text>
<text class="label" x="300.5" y="221" font-size="12" text-anchor="middle" dominant-baseline="central" fill="#111">decide [else]</text>
<text class="label" x="563.5" y="202.9" font-size="12" text-anchor="middle" dominant-baseline="central" fill="#111">settle [high]</text>
<text class="label" x="563.5" y="245" font-size="12" text-anchor="middle" dominant-baseline="central" fill="#111">settle [low]</text>
<text class="label" x="300.5" y="99.5" font-size="12" text-anchor="middle" dominant-baseline="central" fill="#111">decide [good]</text>
<path class="initial" d="M 44 195 C 74 195, 74 195, 104 195" fill="none" stroke="#333" stroke-width="1.2" marker-end="url(#sf-order-head)"/>
<path class="arm" d="M 208.5 177.5 C 233.4 160.8, 283 107.5, 313 107.5 S 402.5 107.5, 432.5 107.5 S 534 107.5, 564 107.5 S 631.4 157.3, 655.5 175.1" fill="none" stroke="#333" stroke-width="1.2" marker-end="url(#sf-order-head)"/>
<path class="arm" d="M 202 213 C 224.1 233.3, 271 303.8, 301 303.8 S 402.5 303.8, 432.5 303.8 S 586.5 303.8, 616.5 303.8 S 625.5 303.8, 655.5 303.8" fill="none" stroke="#333" stroke-width="1.2" marker-end="url(#sf-order-head)"/>
<path class="arm" d="M 208.5 200.1 C 238 205.8, 327.5 229, 357.5 229 S 362.5 229, 392.5 229" fill="none" stroke="#333" stroke-width="1.2" marker-end="url(#sf-order-head)"/>
<path class="arm" d="M 471.5 226.9 C 501.3 223.7, 591 216.2, 620.5 210.9 S 626.8 209, 655.5 200.2" fill="none" stroke="#333" stroke-width="1.2" marker-end="url(#sf-order-head)"/>
<path class="arm" d="M 471.5 231.9 C 501.2 236.2, 589 242.3, 616.5 253 S 633.8 266.9, 657.2 285.8" fill="none" stroke="#333" stroke-width="1.2" marker-end="url(#sf-order-head)"/>
</svg>


States: `submitted`, `review`, `accepted`, `rejected`.*/
pub struct Order<S> {
    context: u32,
    state: S,
}
impl<S> Order<S> {
    ///A new machine, in its initial state `submitted` (`Order<Submitted>`): `S` is inferred, and no other state has `new` (a machine in another state is reached by firing events, or rebuilt from storage by `restore`).
    pub fn new(context: u32) -> Self
    where
        OrderState: __sf_order::OrderStartsIn<S>,
    {
        Order {
            context,
            state: <OrderState as __sf_order::OrderStartsIn<S>>::initial(),
        }
    }
    /// The context, carried through every state.
    pub fn context(&self) -> &u32 {
        &self.context
    }
    /// The context, to change; the state stays as it is.
    pub fn context_mut(&mut self) -> &mut u32 {
        &mut self.context
    }
    /// The current state's data.
    pub fn state(&self) -> &S {
        &self.state
    }
    /// The context and the state's data, taken apart.
    pub fn into_parts(self) -> (u32, S) {
        (self.context, self.state)
    }
    /// The checked description of this machine.
    pub fn definition() -> &'static ::stateforge::__private::core::Definition {
        AnyOrder::definition()
    }
}
#[allow(clippy::too_many_arguments)]
impl Order<Submitted> {
    /// The state this machine is in.
    pub const STATE: OrderState = OrderState::Submitted;
    ///Rebuilds a machine in state `submitted`, from storage; see [`Order`].
    pub fn restore(context: u32, state: Submitted) -> Self {
        Order { context, state }
    }
    /// The current state's stored name.
    pub fn state_name(&self) -> &'static str {
        "submitted"
    }
    #[inline]
    #[allow(clippy::ptr_arg)]
    fn __sf_action0_decide(&mut self, score: &u8) {
        count(&mut self.context, &self.state, score);
    }
    #[doc(hidden)]
    #[inline]
    #[allow(clippy::ptr_arg)]
    pub fn __sf_guard0_decide(&self, score: &u8) -> bool {
        good(&self.context, &self.state, score)
    }
    #[doc(hidden)]
    #[inline]
    #[allow(clippy::ptr_arg)]
    pub fn __sf_guard1_decide(&self, score: &u8) -> bool {
        bad(&self.context, &self.state, score)
    }
    /**Fires `decide` out of `submitted`, to the first of these that applies, tried in order:

- `accepted` if `good` allows it, running `count`;
- `rejected` if `bad` allows it;
- else `review`.

The outcome is a [`OrderDecideFromSubmitted`].*/
    #[inline]
    pub fn decide(mut self, score: u8) -> OrderDecideFromSubmitted {
        if self.__sf_guard0_decide(&score) {
            return OrderDecideFromSubmitted::Accepted({
                self.__sf_action0_decide(&score);
                let _ = score;
                Order {
                    context: self.context,
                    state: Accepted,
                }
            });
        }
        if self.__sf_guard1_decide(&score) {
            return OrderDecideFromSubmitted::Rejected({
                let _ = score;
                Order {
                    context: self.context,
                    state: Rejected,
                }
            });
        }
        OrderDecideFromSubmitted::Review({
            Order {
                context: self.context,
                state: Review { score: score },
            }
        })
    }
}
#[allow(unused_variables, clippy::unused_self, clippy::too_many_arguments)]
impl Order<Submitted> {
    #[doc(hidden)]
    pub fn settle(self) -> Order<Accepted>
    where
        for<'__sf> Submitted: __sf_order::refused::Submitted::SubmittedCanFireSettle,
    {
        __sf_order::never::never(&self.state)
    }
}
#[allow(clippy::too_many_arguments)]
impl Order<Review> {
    /// The state this machine is in.
    pub const STATE: OrderState = OrderState::Review;
    ///Rebuilds a machine in state `review`, from storage; see [`Order`].
    pub fn restore(context: u32, state: Review) -> Self {
        Order { context, state }
    }
    /// The current state's stored name.
    pub fn state_name(&self) -> &'static str {
        "review"
    }
    #[doc(hidden)]
    #[inline]
    #[allow(clippy::ptr_arg)]
    pub fn __sf_guard0_settle(&self) -> bool {
        high(&self.context, &self.state)
    }
    #[doc(hidden)]
    #[inline]
    #[allow(clippy::ptr_arg)]
    pub fn __sf_guard1_settle(&self) -> bool {
        low(&self.context, &self.state)
    }
    /**Fires `settle` out of `review`, to the first of these that applies, tried in order:

- `accepted` if `high` allows it;
- `rejected` if `low` allows it;

The outcome is a [`OrderSettleFromReview`].*/
    /**

# Errors

When every guard (`high`, `low`) says no, the machine and the arguments come back unchanged in a `Rejected`.*/
    #[inline]
    pub fn settle(
        self,
    ) -> ::core::result::Result<
        OrderSettleFromReview,
        ::stateforge::__private::core::Rejected<Order<Review>, ()>,
    > {
        if self.__sf_guard0_settle() {
            return ::core::result::Result::Ok(
                OrderSettleFromReview::Accepted({
                    Order {
                        context: self.context,
                        state: Accepted,
                    }
                }),
            );
        }
        if self.__sf_guard1_settle() {
            return ::core::result::Result::Ok(
                OrderSettleFromReview::Rejected({
                    Order {
                        context: self.context,
                        state: Rejected,
                    }
                }),
            );
        }
        ::core::result::Result::Err(
            ::stateforge::__private::core::Rejected::new(
                    self,
                    (),
                    "review",
                    "settle",
                    "",
                )
                .with_tried(&["high", "low"]),
        )
    }
}
#[allow(unused_variables, clippy::unused_self, clippy::too_many_arguments)]
impl Order<Review> {
    #[doc(hidden)]
    pub fn decide(self, score: u8) -> Order<Accepted>
    where
        for<'__sf> Review: __sf_order::refused::Review::ReviewCanFireDecide,
    {
        __sf_order::never::never(&self.state)
    }
}
#[allow(clippy::too_many_arguments)]
impl Order<Accepted> {
    /// The state this machine is in.
    pub const STATE: OrderState = OrderState::Accepted;
    ///Rebuilds a machine in state `accepted`, from storage; see [`Order`].
    pub fn restore(context: u32, state: Accepted) -> Self {
        Order { context, state }
    }
    /// The current state's stored name.
    pub fn state_name(&self) -> &'static str {
        "accepted"
    }
}
#[allow(unused_variables, clippy::unused_self, clippy::too_many_arguments)]
impl Order<Accepted> {
    #[doc(hidden)]
    pub fn decide(self, score: u8) -> Order<Accepted>
    where
        for<'__sf> Accepted: __sf_order::refused::Accepted::AcceptedCanFireDecide,
    {
        __sf_order::never::never(&self.state)
    }
    #[doc(hidden)]
    pub fn settle(self) -> Order<Accepted>
    where
        for<'__sf> Accepted: __sf_order::refused::Accepted::AcceptedCanFireSettle,
    {
        __sf_order::never::never(&self.state)
    }
}
#[allow(clippy::too_many_arguments)]
impl Order<Rejected> {
    /// The state this machine is in.
    pub const STATE: OrderState = OrderState::Rejected;
    ///Rebuilds a machine in state `rejected`, from storage; see [`Order`].
    pub fn restore(context: u32, state: Rejected) -> Self {
        Order { context, state }
    }
    /// The current state's stored name.
    pub fn state_name(&self) -> &'static str {
        "rejected"
    }
}
#[allow(unused_variables, clippy::unused_self, clippy::too_many_arguments)]
impl Order<Rejected> {
    #[doc(hidden)]
    pub fn decide(self, score: u8) -> Order<Accepted>
    where
        for<'__sf> Rejected: __sf_order::refused::Rejected::RejectedCanFireDecide,
    {
        __sf_order::never::never(&self.state)
    }
    #[doc(hidden)]
    pub fn settle(self) -> Order<Accepted>
    where
        for<'__sf> Rejected: __sf_order::refused::Rejected::RejectedCanFireSettle,
    {
        __sf_order::never::never(&self.state)
    }
}
///Where `decide` led a [`Order`] out of `submitted`: its arms from there are guarded alternatives, tried in declaration order, and the first whose guard says yes (or the last, unguarded, one) is taken.
pub enum OrderDecideFromSubmitted {
    ///`decide` led to `accepted`.
    Accepted(Order<Accepted>),
    ///`decide` led to `rejected`.
    Rejected(Order<Rejected>),
    ///`decide` led to `review`.
    Review(Order<Review>),
}
///Where `settle` led a [`Order`] out of `review`: its arms from there are guarded alternatives, tried in declaration order, and the first whose guard says yes (or the last, unguarded, one) is taken.
pub enum OrderSettleFromReview {
    ///`settle` led to `accepted`.
    Accepted(Order<Accepted>),
    ///`settle` led to `rejected`.
    Rejected(Order<Rejected>),
}
///Compile-time refusals of [`Order`]'s events; nothing here is meant to be used.
#[doc(hidden)]
#[allow(non_camel_case_types, non_snake_case, dead_code, unreachable_pub)]
pub mod __sf_order {
    /// What a refused method's body calls: the traits of `refused`
    /// have it as their supertrait, and nothing implements it.
    pub trait never {
        /// Never called.
        fn never(&self) -> !;
    }
    ///Implemented for the initial state only: what `new` requires.
    #[diagnostic::on_unimplemented(
        message = "`new` starts a `Order` in its initial state `Submitted`, not in `{S}`",
        label = "`Order::new` builds a `Order<Submitted>`",
        note = "a `Order<{S}>` is reached by firing events from `Order::new(..)`",
        note = "to rebuild a `Order<{S}>` from storage, use `Order::<{S}>::restore(context, state)`",
    )]
    pub trait OrderStartsIn<S> {
        /// The initial state, which has no data.
        fn initial() -> S;
    }
    ///The state types: what the any-enum's `restore` takes.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` is not a state of `Order`",
        label = "not a state of `Order`",
        note = "`AnyOrder::restore` takes the data of one of `Order`'s states: `Submitted`, `Review`, `Accepted`, `Rejected`"
    )]
    pub trait StateOfOrder: ::core::marker::Sized {
        /// The any-enum.
        type Machine;
        /// The machine's context.
        type Context;
        /// The any-enum in this state.
        fn restore_any(context: Self::Context, state: Self) -> Self::Machine;
    }
    /// One module per state, named as the state, holding one
    /// trait per event the state refuses.
    pub mod refused {
        pub mod Submitted {
            use super::super::never;
            #[diagnostic::on_unimplemented(
                message = "event `settle` cannot fire in state `Submitted`",
                label = "`Order<Submitted>` has no transition `settle`",
                note = "from `Submitted`, the events are: `decide`",
                note = "`settle` fires from: `Review`",
            )]
            pub trait SubmittedCanFireSettle: never {}
            #[diagnostic::do_not_recommend]
            impl<T: never> SubmittedCanFireSettle for T {}
        }
        pub mod Review {
            use super::super::never;
            #[diagnostic::on_unimplemented(
                message = "event `decide` cannot fire in state `Review`",
                label = "`Order<Review>` has no transition `decide`",
                note = "from `Review`, the events are: `settle`",
                note = "`decide` fires from: `Submitted`",
            )]
            pub trait ReviewCanFireDecide: never {}
            #[diagnostic::do_not_recommend]
            impl<T: never> ReviewCanFireDecide for T {}
        }
        pub mod Accepted {
            use super::super::never;
            #[diagnostic::on_unimplemented(
                message = "event `decide` cannot fire in state `Accepted`",
                label = "`Order<Accepted>` has no transition `decide`",
                note = "`Accepted` is final: no event leaves it",
                note = "`decide` fires from: `Submitted`",
            )]
            pub trait AcceptedCanFireDecide: never {}
            #[diagnostic::do_not_recommend]
            impl<T: never> AcceptedCanFireDecide for T {}
            #[diagnostic::on_unimplemented(
                message = "event `settle` cannot fire in state `Accepted`",
                label = "`Order<Accepted>` has no transition `settle`",
                note = "`Accepted` is final: no event leaves it",
                note = "`settle` fires from: `Review`",
            )]
            pub trait AcceptedCanFireSettle: never {}
            #[diagnostic::do_not_recommend]
            impl<T: never> AcceptedCanFireSettle for T {}
        }
        pub mod Rejected {
            use super::super::never;
            #[diagnostic::on_unimplemented(
                message = "event `decide` cannot fire in state `Rejected`",
                label = "`Order<Rejected>` has no transition `decide`",
                note = "`Rejected` is final: no event leaves it",
                note = "`decide` fires from: `Submitted`",
            )]
            pub trait RejectedCanFireDecide: never {}
            #[diagnostic::do_not_recommend]
            impl<T: never> RejectedCanFireDecide for T {}
            #[diagnostic::on_unimplemented(
                message = "event `settle` cannot fire in state `Rejected`",
                label = "`Order<Rejected>` has no transition `settle`",
                note = "`Rejected` is final: no event leaves it",
                note = "`settle` fires from: `Review`",
            )]
            pub trait RejectedCanFireSettle: never {}
            #[diagnostic::do_not_recommend]
            impl<T: never> RejectedCanFireSettle for T {}
        }
    }
}
impl __sf_order::OrderStartsIn<Submitted> for OrderState {
    fn initial() -> Submitted {
        Submitted
    }
}
#[diagnostic::do_not_recommend]
impl __sf_order::StateOfOrder for Submitted {
    type Machine = AnyOrder;
    type Context = u32;
    fn restore_any(context: u32, state: Submitted) -> AnyOrder {
        AnyOrder::Submitted(Order { context, state })
    }
}
#[diagnostic::do_not_recommend]
impl __sf_order::StateOfOrder for Review {
    type Machine = AnyOrder;
    type Context = u32;
    fn restore_any(context: u32, state: Review) -> AnyOrder {
        AnyOrder::Review(Order { context, state })
    }
}
#[diagnostic::do_not_recommend]
impl __sf_order::StateOfOrder for Accepted {
    type Machine = AnyOrder;
    type Context = u32;
    fn restore_any(context: u32, state: Accepted) -> AnyOrder {
        AnyOrder::Accepted(Order { context, state })
    }
}
#[diagnostic::do_not_recommend]
impl __sf_order::StateOfOrder for Rejected {
    type Machine = AnyOrder;
    type Context = u32;
    fn restore_any(context: u32, state: Rejected) -> AnyOrder {
        AnyOrder::Rejected(Order { context, state })
    }
}
///The states of [`Order`], by name.
#[derive(
    ::core::clone::Clone,
    ::core::marker::Copy,
    ::core::fmt::Debug,
    ::core::cmp::PartialEq,
    ::core::cmp::Eq,
    ::core::hash::Hash,
    ::core::cmp::PartialOrd,
    ::core::cmp::Ord
)]
pub enum OrderState {
    ///`submitted`
    Submitted,
    ///`review`
    Review,
    ///`accepted`
    Accepted,
    ///`rejected`
    Rejected,
}
impl OrderState {
    /// Every state, in declaration order.
    pub const ALL: [OrderState; 4usize] = [
        OrderState::Submitted,
        OrderState::Review,
        OrderState::Accepted,
        OrderState::Rejected,
    ];
    /// The initial state.
    pub const INITIAL: OrderState = OrderState::Submitted;
    /// The state's stored name (`in_progress` for `InProgress`).
    pub const fn as_str(self) -> &'static str {
        match self {
            OrderState::Submitted => "submitted",
            OrderState::Review => "review",
            OrderState::Accepted => "accepted",
            OrderState::Rejected => "rejected",
        }
    }
    /// Whether the state is final: no event leaves it.
    pub const fn is_final(self) -> bool {
        match self {
            OrderState::Submitted => false,
            OrderState::Review => false,
            OrderState::Accepted => true,
            OrderState::Rejected => true,
        }
    }
}
impl ::core::fmt::Display for OrderState {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        f.write_str(self.as_str())
    }
}
impl ::core::str::FromStr for OrderState {
    type Err = ::stateforge::__private::core::ParseStateError;
    fn from_str(s: &str) -> ::core::result::Result<Self, Self::Err> {
        match s {
            "submitted" => ::core::result::Result::Ok(OrderState::Submitted),
            "review" => ::core::result::Result::Ok(OrderState::Review),
            "accepted" => ::core::result::Result::Ok(OrderState::Accepted),
            "rejected" => ::core::result::Result::Ok(OrderState::Rejected),
            _ => {
                ::core::result::Result::Err(::stateforge::__private::core::ParseStateError {
                    machine: "order",
                    name: ::std::string::ToString::to_string(s),
                })
            }
        }
    }
}
///The events of [`Order`], with their arguments.
#[allow(dead_code)]
pub enum OrderEvent {
    ///Event `decide`.
    Decide {
        ///Argument `score` of `decide`.
        score: u8,
    },
    ///Event `settle`.
    Settle,
}
impl OrderEvent {
    /// The event's name.
    pub fn name(&self) -> &'static str {
        match *self {
            OrderEvent::Decide { .. } => "decide",
            OrderEvent::Settle => "settle",
        }
    }
}
impl ::stateforge::__private::core::Event for OrderEvent {
    fn id(&self) -> ::stateforge::__private::core::EventId {
        match *self {
            OrderEvent::Decide { .. } => {
                ::stateforge::__private::core::EventId::__from_index(0u32)
            }
            OrderEvent::Settle => {
                ::stateforge::__private::core::EventId::__from_index(1u32)
            }
        }
    }
}
///A [`Order`] in whichever state it is: fire events by value, match to get the typed machine back.
pub enum AnyOrder {
    ///In state `submitted`.
    Submitted(Order<Submitted>),
    ///In state `review`.
    Review(Order<Review>),
    ///In state `accepted`.
    Accepted(Order<Accepted>),
    ///In state `rejected`.
    Rejected(Order<Rejected>),
}
impl AnyOrder {
    /// The checked description of this machine, built once.
    pub fn definition() -> &'static ::stateforge::__private::core::Definition {
        static __SF_DEFINITION: ::std::sync::LazyLock<
            ::stateforge::__private::core::Definition,
        > = ::std::sync::LazyLock::new(|| {
            ::stateforge::__private::core::Definition::__compiled(
                "order",
                "initial submitted, review, final accepted, final rejected",
                "decide: submitted -> accepted if good => count, submitted -> rejected if bad, submitted -> review; settle: review -> accepted if high, review -> rejected if low",
                "",
                true,
                true,
            )
        });
        &__SF_DEFINITION
    }
    /// The refusal of a conversion to the typed machine in state `expected`.
    fn __sf_wrong_state(
        self,
        expected: &'static str,
    ) -> ::stateforge::__private::core::WrongState<Self> {
        let found = self.state().as_str();
        ::stateforge::__private::core::WrongState::new(self, "order", expected, found)
    }
    /// The refusal of `event`, which no transition takes out of the
    /// current state.
    #[inline(always)]
    fn __sf_no_transition(
        self,
        event: OrderEvent,
        name: &'static str,
    ) -> ::stateforge::__private::core::NotAllowed<Self, OrderEvent> {
        let state = self.state().as_str();
        ::stateforge::__private::core::NotAllowed::new(
            self,
            event,
            state,
            name,
            ::stateforge::__private::core::Refusal::NoTransition,
        )
    }
    /// The current state's name.
    pub fn state(&self) -> OrderState {
        match self {
            AnyOrder::Submitted(_) => OrderState::Submitted,
            AnyOrder::Review(_) => OrderState::Review,
            AnyOrder::Accepted(_) => OrderState::Accepted,
            AnyOrder::Rejected(_) => OrderState::Rejected,
        }
    }
    /// Whether the current state is final.
    pub fn is_final(&self) -> bool {
        self.state().is_final()
    }
    /**Rebuilds a machine in the state of `state`, from `context` and that state's data (read from storage, say); no guard and no action runs.

The state's type says which state: `S` is one of the state types (`Review`, ...), so a wrong pairing does not compile. This is `AnyOrder::from(Order::<S>::restore(..))` in one call; a state known only at run time, as a name, goes through the JSON impls instead.

```ignore
let any = AnyOrder::restore(context, Review { score: todo!() });
assert_eq!(any.state(), OrderState::Review);
```*/
    pub fn restore<S>(context: u32, state: S) -> Self
    where
        S: __sf_order::StateOfOrder<Machine = Self, Context = u32>,
    {
        S::restore_any(context, state)
    }
    /**The names of the events declared out of the current state, in declaration order (guards not consulted: see [`Self::can_fire`]). The same list as `Machine::allowed_events`.

```ignore
let any = AnyOrder::from(Order::new(context));
assert_eq!(any.allowed_events(), ["decide"]);
```*/
    pub fn allowed_events(&self) -> &'static [&'static str] {
        match self {
            AnyOrder::Submitted(_) => &["decide"],
            AnyOrder::Review(_) => &["settle"],
            AnyOrder::Accepted(_) => &[],
            AnyOrder::Rejected(_) => &[],
        }
    }
    /**The states one event leads to from the current state, each once, in declaration order (guards not consulted); the current state itself when an event leads back to it.

```ignore
let any = AnyOrder::from(Order::new(context));
assert_eq!(any.next_states(), [OrderState::Review, OrderState::Accepted, OrderState::Rejected]);
```*/
    pub fn next_states(&self) -> &'static [OrderState] {
        match self {
            AnyOrder::Submitted(_) => {
                &[OrderState::Review, OrderState::Accepted, OrderState::Rejected]
            }
            AnyOrder::Review(_) => &[OrderState::Accepted, OrderState::Rejected],
            AnyOrder::Accepted(_) => &[],
            AnyOrder::Rejected(_) => &[],
        }
    }
    /**Whether one event leads from the current state to `state`: [`Self::next_states`] contains it.

```ignore
let any = AnyOrder::from(Order::new(context));
assert_eq!(any.can_transition_to(OrderState::Review), true);
```*/
    pub fn can_transition_to(&self, state: OrderState) -> bool {
        self.next_states().contains(&state)
    }
    /// Whether `event` would be accepted now, its guard consulted.
    #[inline]
    pub fn can_fire(&self, event: &OrderEvent) -> bool {
        #[allow(unreachable_patterns)]
        match (self, event) {
            (AnyOrder::Submitted(_), OrderEvent::Decide { .. }) => true,
            (AnyOrder::Review(__sf_m), OrderEvent::Settle) => {
                __sf_m.__sf_guard0_settle() || __sf_m.__sf_guard1_settle()
            }
            _ => false,
        }
    }
    /// Fires `event`. A refusal (no transition, or a guard saying no)
    /// hands back the machine and the event, unchanged.
    ///
    /// # Errors
    ///
    /// A `NotAllowed` naming the state, the event and, for a guard,
    /// the guard.
    #[inline]
    pub fn fire(
        self,
        event: OrderEvent,
    ) -> ::core::result::Result<
        AnyOrder,
        ::stateforge::__private::core::NotAllowed<AnyOrder, OrderEvent>,
    > {
        use ::core::result::Result::{Err, Ok};
        #[allow(unreachable_patterns)]
        match event {
            OrderEvent::Decide { score } => {
                match self {
                    AnyOrder::Submitted(__sf_m) => {
                        match __sf_m.decide(score) {
                            OrderDecideFromSubmitted::Accepted(__sf_next) => {
                                Ok(AnyOrder::Accepted(__sf_next))
                            }
                            OrderDecideFromSubmitted::Rejected(__sf_next) => {
                                Ok(AnyOrder::Rejected(__sf_next))
                            }
                            OrderDecideFromSubmitted::Review(__sf_next) => {
                                Ok(AnyOrder::Review(__sf_next))
                            }
                        }
                    }
                    __sf_machine => {
                        Err(
                            __sf_machine
                                .__sf_no_transition(OrderEvent::Decide { score }, "decide"),
                        )
                    }
                }
            }
            OrderEvent::Settle => {
                match self {
                    AnyOrder::Review(__sf_m) => {
                        match __sf_m.settle() {
                            Ok(OrderSettleFromReview::Accepted(__sf_next)) => {
                                Ok(AnyOrder::Accepted(__sf_next))
                            }
                            Ok(OrderSettleFromReview::Rejected(__sf_next)) => {
                                Ok(AnyOrder::Rejected(__sf_next))
                            }
                            Err(__sf_rejected) => {
                                let () = __sf_rejected.args;
                                Err(
                                    ::stateforge::__private::core::NotAllowed::new(
                                        AnyOrder::Review(__sf_rejected.machine),
                                        OrderEvent::Settle,
                                        "review",
                                        "settle",
                                        ::stateforge::__private::core::Refusal::Guards(
                                            &["high", "low"],
                                        ),
                                    ),
                                )
                            }
                        }
                    }
                    __sf_machine => {
                        Err(
                            __sf_machine.__sf_no_transition(OrderEvent::Settle, "settle"),
                        )
                    }
                }
            }
        }
    }
    /// The refusal of `event`, the machine staying where it is.
    #[inline(always)]
    fn __sf_refuse_in_place(
        &self,
        event: OrderEvent,
        refusal: ::stateforge::__private::core::Refusal,
    ) -> ::stateforge::__private::core::NotAllowed<(), OrderEvent> {
        let state = self.state().as_str();
        let name = OrderEvent::name(&event);
        ::stateforge::__private::core::NotAllowed::new((), event, state, name, refusal)
    }
    /**Fires `event` on the machine where it is (a field of a struct, an element of a collection), which is left in the state reached: [`AnyOrder::fire`] without taking the machine out and putting it back.

The guard and the action run on the machine in place, by reference, before the state changes: a refused event changes nothing, and a guard or an action that panics leaves the machine whole, in its state, with the context as the action left it. The fields of the old state that the new one does not take are dropped once the machine is back in its place.

```ignore
let mut any = AnyOrder::from(machine);
any.fire_in_place(event)?;
```

# Errors

A `NotAllowed` holding the event, naming the state, the event and, for a guard, the guard; its `machine` is `()`: the machine stayed where it was, unchanged.*/
    #[inline]
    pub fn fire_in_place(
        &mut self,
        event: OrderEvent,
    ) -> ::core::result::Result<
        (),
        ::stateforge::__private::core::NotAllowed<(), OrderEvent>,
    > {
        use ::core::result::Result::{Err, Ok};
        #[allow(unreachable_patterns)]
        let __sf_chosen: ::core::result::Result<
            u32,
            ::stateforge::__private::core::Refusal,
        > = match (&event, &mut *self) {
            (OrderEvent::Decide { score }, AnyOrder::Submitted(__sf_m)) => {
                if __sf_m.__sf_guard0_decide(score) {
                    __sf_m.__sf_action0_decide(score);
                    Ok(0)
                } else {
                    if __sf_m.__sf_guard1_decide(score) { Ok(1) } else { Ok(2) }
                }
            }
            (OrderEvent::Settle, AnyOrder::Review(__sf_m)) => {
                if __sf_m.__sf_guard0_settle() {
                    Ok(3)
                } else {
                    if __sf_m.__sf_guard1_settle() {
                        Ok(4)
                    } else {
                        Err(
                            ::stateforge::__private::core::Refusal::Guards(
                                &["high", "low"],
                            ),
                        )
                    }
                }
            }
            _ => Err(::stateforge::__private::core::Refusal::NoTransition),
        };
        let __sf_k = match __sf_chosen {
            Ok(__sf_k) => __sf_k,
            Err(__sf_refusal) => {
                return Err(self.__sf_refuse_in_place(event, __sf_refusal));
            }
        };
        #[allow(dead_code, non_camel_case_types)]
        enum __SfLeft {
            __SfNothing,
            __Sf0((Submitted, u8)),
            __Sf1((Submitted, u8)),
            Submitted(Submitted),
            Review(Review),
        }
        let mut __sf_left = __SfLeft::__SfNothing;
        match __sf_k {
            2 => {
                ::stateforge::__private::core::__move_through(
                    self,
                    |__sf_any| match (__sf_k, __sf_any, event) {
                        (
                            2,
                            AnyOrder::Submitted(__sf_m),
                            OrderEvent::Decide { score },
                        ) => {
                            __sf_left = __SfLeft::Submitted(__sf_m.state);
                            AnyOrder::Review(Order {
                                context: __sf_m.context,
                                state: Review { score: score },
                            })
                        }
                        (_, __sf_other, _) => __sf_other,
                    },
                );
            }
            0 | 3 => {
                ::stateforge::__private::core::__move_through(
                    self,
                    |__sf_any| match (__sf_k, __sf_any, event) {
                        (
                            0,
                            AnyOrder::Submitted(__sf_m),
                            OrderEvent::Decide { score },
                        ) => {
                            __sf_left = __SfLeft::__Sf0((__sf_m.state, score));
                            AnyOrder::Accepted(Order {
                                context: __sf_m.context,
                                state: Accepted,
                            })
                        }
                        (3, AnyOrder::Review(__sf_m), _) => {
                            __sf_left = __SfLeft::Review(__sf_m.state);
                            AnyOrder::Accepted(Order {
                                context: __sf_m.context,
                                state: Accepted,
                            })
                        }
                        (_, __sf_other, _) => __sf_other,
                    },
                );
            }
            1 | 4 => {
                ::stateforge::__private::core::__move_through(
                    self,
                    |__sf_any| match (__sf_k, __sf_any, event) {
                        (
                            1,
                            AnyOrder::Submitted(__sf_m),
                            OrderEvent::Decide { score },
                        ) => {
                            __sf_left = __SfLeft::__Sf1((__sf_m.state, score));
                            AnyOrder::Rejected(Order {
                                context: __sf_m.context,
                                state: Rejected,
                            })
                        }
                        (4, AnyOrder::Review(__sf_m), _) => {
                            __sf_left = __SfLeft::Review(__sf_m.state);
                            AnyOrder::Rejected(Order {
                                context: __sf_m.context,
                                state: Rejected,
                            })
                        }
                        (_, __sf_other, _) => __sf_other,
                    },
                );
            }
            _ => {}
        }
        Ok(())
    }
    /// The context.
    pub fn context(&self) -> &u32 {
        match self {
            AnyOrder::Submitted(m) => m.context(),
            AnyOrder::Review(m) => m.context(),
            AnyOrder::Accepted(m) => m.context(),
            AnyOrder::Rejected(m) => m.context(),
        }
    }
    /// The context, to change; the state stays as it is.
    pub fn context_mut(&mut self) -> &mut u32 {
        match self {
            AnyOrder::Submitted(m) => m.context_mut(),
            AnyOrder::Review(m) => m.context_mut(),
            AnyOrder::Accepted(m) => m.context_mut(),
            AnyOrder::Rejected(m) => m.context_mut(),
        }
    }
}
impl ::stateforge::__private::core::Machine for AnyOrder {
    type Context = u32;
    type Event = OrderEvent;
    fn definition() -> &'static ::stateforge::__private::core::Definition {
        AnyOrder::definition()
    }
    fn state_id(&self) -> ::stateforge::__private::core::StateId {
        match self {
            AnyOrder::Submitted(_) => {
                ::stateforge::__private::core::StateId::__from_index(0u32)
            }
            AnyOrder::Review(_) => {
                ::stateforge::__private::core::StateId::__from_index(1u32)
            }
            AnyOrder::Accepted(_) => {
                ::stateforge::__private::core::StateId::__from_index(2u32)
            }
            AnyOrder::Rejected(_) => {
                ::stateforge::__private::core::StateId::__from_index(3u32)
            }
        }
    }
    fn context(&self) -> &u32 {
        AnyOrder::context(self)
    }
    fn can_fire(&self, event: &OrderEvent) -> bool {
        AnyOrder::can_fire(self, event)
    }
    fn allowed_events(&self) -> &'static [&'static str] {
        AnyOrder::allowed_events(self)
    }
    fn fire(
        self,
        event: OrderEvent,
    ) -> ::core::result::Result<
        Self,
        ::stateforge::__private::core::NotAllowed<Self, OrderEvent>,
    > {
        AnyOrder::fire(self, event)
    }
    fn fire_in_place(
        &mut self,
        event: OrderEvent,
    ) -> ::core::result::Result<
        (),
        ::stateforge::__private::core::NotAllowed<(), OrderEvent>,
    > {
        AnyOrder::fire_in_place(self, event)
    }
    fn target(
        &self,
        event: &OrderEvent,
    ) -> ::core::option::Option<::stateforge::__private::core::StateId> {
        #[allow(unreachable_patterns)]
        match (self, event) {
            (AnyOrder::Submitted(__sf_m), OrderEvent::Decide { score }) => {
                ::core::option::Option::Some(
                    if __sf_m.__sf_guard0_decide(score) {
                        ::stateforge::__private::core::StateId::__from_index(2u32)
                    } else {
                        if __sf_m.__sf_guard1_decide(score) {
                            ::stateforge::__private::core::StateId::__from_index(3u32)
                        } else {
                            ::stateforge::__private::core::StateId::__from_index(1u32)
                        }
                    },
                )
            }
            (AnyOrder::Review(__sf_m), OrderEvent::Settle) => {
                ::core::option::Option::Some(
                    if __sf_m.__sf_guard0_settle() {
                        ::stateforge::__private::core::StateId::__from_index(2u32)
                    } else {
                        if __sf_m.__sf_guard1_settle() {
                            ::stateforge::__private::core::StateId::__from_index(3u32)
                        } else {
                            ::stateforge::__private::core::StateId::__from_index(2u32)
                        }
                    },
                )
            }
            _ => {
                <Self as ::stateforge::__private::core::Machine>::definition()
                    .transition(
                        <Self as ::stateforge::__private::core::Machine>::state_id(self),
                        ::stateforge::__private::core::Event::id(event),
                    )
                    .map(|__sf_t| __sf_t.to)
            }
        }
    }
}
impl ::core::convert::From<Order<Submitted>> for AnyOrder {
    fn from(machine: Order<Submitted>) -> Self {
        AnyOrder::Submitted(machine)
    }
}
impl ::core::convert::TryFrom<AnyOrder> for Order<Submitted> {
    type Error = ::stateforge::__private::core::WrongState<AnyOrder>;
    fn try_from(any: AnyOrder) -> ::core::result::Result<Self, Self::Error> {
        #[allow(unreachable_patterns)]
        match any {
            AnyOrder::Submitted(machine) => ::core::result::Result::Ok(machine),
            other => ::core::result::Result::Err(other.__sf_wrong_state("submitted")),
        }
    }
}
impl ::core::convert::From<Order<Review>> for AnyOrder {
    fn from(machine: Order<Review>) -> Self {
        AnyOrder::Review(machine)
    }
}
impl ::core::convert::TryFrom<AnyOrder> for Order<Review> {
    type Error = ::stateforge::__private::core::WrongState<AnyOrder>;
    fn try_from(any: AnyOrder) -> ::core::result::Result<Self, Self::Error> {
        #[allow(unreachable_patterns)]
        match any {
            AnyOrder::Review(machine) => ::core::result::Result::Ok(machine),
            other => ::core::result::Result::Err(other.__sf_wrong_state("review")),
        }
    }
}
impl ::core::convert::From<Order<Accepted>> for AnyOrder {
    fn from(machine: Order<Accepted>) -> Self {
        AnyOrder::Accepted(machine)
    }
}
impl ::core::convert::TryFrom<AnyOrder> for Order<Accepted> {
    type Error = ::stateforge::__private::core::WrongState<AnyOrder>;
    fn try_from(any: AnyOrder) -> ::core::result::Result<Self, Self::Error> {
        #[allow(unreachable_patterns)]
        match any {
            AnyOrder::Accepted(machine) => ::core::result::Result::Ok(machine),
            other => ::core::result::Result::Err(other.__sf_wrong_state("accepted")),
        }
    }
}
impl ::core::convert::From<Order<Rejected>> for AnyOrder {
    fn from(machine: Order<Rejected>) -> Self {
        AnyOrder::Rejected(machine)
    }
}
impl ::core::convert::TryFrom<AnyOrder> for Order<Rejected> {
    type Error = ::stateforge::__private::core::WrongState<AnyOrder>;
    fn try_from(any: AnyOrder) -> ::core::result::Result<Self, Self::Error> {
        #[allow(unreachable_patterns)]
        match any {
            AnyOrder::Rejected(machine) => ::core::result::Result::Ok(machine),
            other => ::core::result::Result::Err(other.__sf_wrong_state("rejected")),
        }
    }
}
