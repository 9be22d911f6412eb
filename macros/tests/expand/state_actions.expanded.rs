///State `idle` of [`Alarm`].
pub struct Idle;
///State `ringing` of [`Alarm`].
pub struct Ringing {
    ///`round` of state `ringing`.
    pub round: u32,
}
///State `off` of [`Alarm`] (final).
pub struct Off;
/// An alarm whose states run actions on entry and exit.
/**

A `Alarm<S>` is a machine in state `S`; only the transitions declared out of `S` exist as methods. [`AnyAlarm`] holds one in whichever state it is, and [`AnyAlarm::definition`] describes the machine.

`new` starts a machine in the initial state; each state's `restore` rebuilds one that is already in that state, from storage: the one way to hold a `Alarm` in another state without firing events. It runs no guard and no action.*/
/**

# Diagram


<svg xmlns="http://www.w3.org/2000/svg" width="376" height="221" viewBox="18 -18 376 221" font-family="sans-serif">
<defs><marker id="sf-alarm-head" markerWidth="10" markerHeight="7" refX="10" refY="3.5" orient="auto-start-reverse"><polygon points="0 0, 10 3.5, 0 7" fill="#333"/></marker></defs>
<rect x="18" y="-18" width="376" height="221" fill="white"/>
<g class="start"><circle cx="37" cy="124" r="7" fill="#333"/>
</g>
<g class="state"><rect x="104" y="106" width="62" height="36" rx="8" fill="#f4f6fb" stroke="#333" stroke-width="1.2"/>
<text x="135" y="124" font-size="14" text-anchor="middle" dominant-baseline="central" fill="#111">idle</text>
</g>
<g class="state"><rect x="294" y="58" width="87.5" height="36" rx="8" fill="#f4f6fb" stroke="#333" stroke-width="1.2"/>
<text x="337.8" y="76" font-size="14" text-anchor="middle" dominant-baseline="central" fill="#111">ringing</text>
</g>
<g class="state final"><rect x="311" y="154" width="53.5" height="36" rx="8" fill="#f4f6fb" stroke="#333" stroke-width="1.2"/>
<rect x="314" y="157" width="47.5" height="30" rx="6" fill="none" stroke="#333" stroke-width="1.2"/>
<text x="337.8" y="172" font-size="14" text-anchor="middle" dominant-baseline="central" fill="#111">off</text>
</g>
<text class="label" x="230" y="92" font-size="12" text-anchor="middle" dominant-baseline="central" fill="#111">ring</text>
<text class="label" x="230" y="116" font-size="12" text-anchor="middle" dominant-baseline="central" fill="#111">stop</text>
<text class="label" x="230" y="140" font-size="12" text-anchor="middle" dominant-baseline="central" fill="#111">retire</text>
<text class="label" x="337.8" y="6" font-size="12" text-anchor="middle" dominant-baseline="central" fill="#111">snooze</text>
<path class="initial" d="M 44 124 C 74 124, 74 124, 104 124" fill="none" stroke="#333" stroke-width="1.2" marker-end="url(#sf-alarm-head)"/>
<path class="arm" d="M 166 120.3 C 195.2 113.3, 222 107.5, 251 100 S 265.9 94.5, 294 84.1" fill="none" stroke="#333" stroke-width="1.2" marker-end="url(#sf-alarm-head)"/>
<path class="arm" d="M 166 124 C 196 124, 221 124, 251 124 S 269.9 110, 294 92.2" fill="none" stroke="#333" stroke-width="1.2" marker-start="url(#sf-alarm-head)"/>
<path class="arm" d="M 166 127.4 C 195.3 133.9, 230 140.3, 259 148 S 282.8 156.8, 311 167.1" fill="none" stroke="#333" stroke-width="1.2" marker-end="url(#sf-alarm-head)"/>
<path class="arm" d="M 346.2 58 C 358.9 30.8, 339.6 1.3, 366.8 14 S 358.9 30.8, 346.2 58" fill="none" stroke="#333" stroke-width="1.2" marker-end="url(#sf-alarm-head)"/>
</svg>


States: `idle`, `ringing`, `off`.*/
pub struct Alarm<S> {
    context: Vec<String>,
    state: S,
}
impl<S> Alarm<S> {
    ///A new machine, in its initial state `idle` (`Alarm<Idle>`): `S` is inferred, and no other state has `new` (a machine in another state is reached by firing events, or rebuilt from storage by `restore`).
    pub fn new(context: Vec<String>) -> Self
    where
        AlarmState: __sf_alarm::AlarmStartsIn<S>,
    {
        Alarm {
            context,
            state: <AlarmState as __sf_alarm::AlarmStartsIn<S>>::initial(),
        }
    }
    /// The context, carried through every state.
    pub fn context(&self) -> &Vec<String> {
        &self.context
    }
    /// The context, to change; the state stays as it is.
    pub fn context_mut(&mut self) -> &mut Vec<String> {
        &mut self.context
    }
    /// The current state's data.
    pub fn state(&self) -> &S {
        &self.state
    }
    /// The context and the state's data, taken apart.
    pub fn into_parts(self) -> (Vec<String>, S) {
        (self.context, self.state)
    }
    /// The checked description of this machine.
    pub fn definition() -> &'static ::stateforge::__private::core::Definition {
        AnyAlarm::definition()
    }
}
#[allow(clippy::too_many_arguments)]
impl Alarm<Idle> {
    /// The state this machine is in.
    pub const STATE: AlarmState = AlarmState::Idle;
    ///Rebuilds a machine in state `idle`, from storage; see [`Alarm`].
    pub fn restore(context: Vec<String>, state: Idle) -> Self {
        Alarm { context, state }
    }
    /// The current state's stored name.
    pub fn state_name(&self) -> &'static str {
        "idle"
    }
    #[inline]
    fn __sf_exit(&mut self) {
        leave_idle(&mut self.context, &self.state);
    }
    ///Fires `ring`: `idle` → `ringing`, running `leave_idle`, `start_bell`.
    #[inline]
    pub fn ring(mut self, round: u32) -> Alarm<Ringing> {
        self.__sf_exit();
        let mut __sf_next = Alarm {
            context: self.context,
            state: Ringing { round: round },
        };
        __sf_next.__sf_entry();
        __sf_next
    }
    ///Fires `retire`: `idle` → `off`, running `leave_idle`.
    #[inline]
    pub fn retire(mut self) -> Alarm<Off> {
        self.__sf_exit();
        Alarm {
            context: self.context,
            state: Off,
        }
    }
}
#[allow(unused_variables, clippy::unused_self, clippy::too_many_arguments)]
impl Alarm<Idle> {
    #[doc(hidden)]
    pub fn snooze(self) -> Alarm<Ringing>
    where
        for<'__sf> Idle: __sf_alarm::refused::Idle::IdleCanFireSnooze,
    {
        __sf_alarm::never::never(&self.state)
    }
    #[doc(hidden)]
    pub fn stop(self) -> Alarm<Idle>
    where
        for<'__sf> Idle: __sf_alarm::refused::Idle::IdleCanFireStop,
    {
        __sf_alarm::never::never(&self.state)
    }
}
#[allow(clippy::too_many_arguments)]
impl Alarm<Ringing> {
    /// The state this machine is in.
    pub const STATE: AlarmState = AlarmState::Ringing;
    ///Rebuilds a machine in state `ringing`, from storage; see [`Alarm`].
    pub fn restore(context: Vec<String>, state: Ringing) -> Self {
        Alarm { context, state }
    }
    /// The current state's stored name.
    pub fn state_name(&self) -> &'static str {
        "ringing"
    }
    #[inline]
    fn __sf_entry(&mut self) {
        start_bell(&mut self.context, &self.state);
    }
    #[inline]
    fn __sf_exit(&mut self) {
        stop_bell(&mut self.context, &self.state);
    }
    #[inline]
    #[allow(clippy::ptr_arg)]
    fn __sf_action_snooze(&mut self) {
        next_round(&mut self.context, &self.state);
    }
    ///Fires `snooze`: `ringing` → `ringing`, running `stop_bell`, `next_round`, `start_bell`.
    #[inline]
    pub fn snooze(mut self) -> Alarm<Ringing> {
        self.__sf_exit();
        self.__sf_action_snooze();
        let mut __sf_next = Alarm {
            context: self.context,
            state: Ringing { round: self.state.round },
        };
        __sf_next.__sf_entry();
        __sf_next
    }
    ///Fires `stop`: `ringing` → `idle`, running `stop_bell`.
    #[inline]
    pub fn stop(mut self) -> Alarm<Idle> {
        self.__sf_exit();
        Alarm {
            context: self.context,
            state: Idle,
        }
    }
}
#[allow(unused_variables, clippy::unused_self, clippy::too_many_arguments)]
impl Alarm<Ringing> {
    #[doc(hidden)]
    pub fn ring(self, round: u32) -> Alarm<Ringing>
    where
        for<'__sf> Ringing: __sf_alarm::refused::Ringing::RingingCanFireRing,
    {
        __sf_alarm::never::never(&self.state)
    }
    #[doc(hidden)]
    pub fn retire(self) -> Alarm<Off>
    where
        for<'__sf> Ringing: __sf_alarm::refused::Ringing::RingingCanFireRetire,
    {
        __sf_alarm::never::never(&self.state)
    }
}
#[allow(clippy::too_many_arguments)]
impl Alarm<Off> {
    /// The state this machine is in.
    pub const STATE: AlarmState = AlarmState::Off;
    ///Rebuilds a machine in state `off`, from storage; see [`Alarm`].
    pub fn restore(context: Vec<String>, state: Off) -> Self {
        Alarm { context, state }
    }
    /// The current state's stored name.
    pub fn state_name(&self) -> &'static str {
        "off"
    }
}
#[allow(unused_variables, clippy::unused_self, clippy::too_many_arguments)]
impl Alarm<Off> {
    #[doc(hidden)]
    pub fn ring(self, round: u32) -> Alarm<Ringing>
    where
        for<'__sf> Off: __sf_alarm::refused::Off::OffCanFireRing,
    {
        __sf_alarm::never::never(&self.state)
    }
    #[doc(hidden)]
    pub fn snooze(self) -> Alarm<Ringing>
    where
        for<'__sf> Off: __sf_alarm::refused::Off::OffCanFireSnooze,
    {
        __sf_alarm::never::never(&self.state)
    }
    #[doc(hidden)]
    pub fn stop(self) -> Alarm<Idle>
    where
        for<'__sf> Off: __sf_alarm::refused::Off::OffCanFireStop,
    {
        __sf_alarm::never::never(&self.state)
    }
    #[doc(hidden)]
    pub fn retire(self) -> Alarm<Off>
    where
        for<'__sf> Off: __sf_alarm::refused::Off::OffCanFireRetire,
    {
        __sf_alarm::never::never(&self.state)
    }
}
///Compile-time refusals of [`Alarm`]'s events; nothing here is meant to be used.
#[doc(hidden)]
#[allow(non_camel_case_types, non_snake_case, dead_code, unreachable_pub)]
pub mod __sf_alarm {
    /// What a refused method's body calls: the traits of `refused`
    /// have it as their supertrait, and nothing implements it.
    pub trait never {
        /// Never called.
        fn never(&self) -> !;
    }
    ///Implemented for the initial state only: what `new` requires.
    #[diagnostic::on_unimplemented(
        message = "`new` starts a `Alarm` in its initial state `Idle`, not in `{S}`",
        label = "`Alarm::new` builds a `Alarm<Idle>`",
        note = "a `Alarm<{S}>` is reached by firing events from `Alarm::new(..)`",
        note = "to rebuild a `Alarm<{S}>` from storage, use `Alarm::<{S}>::restore(context, state)`",
    )]
    pub trait AlarmStartsIn<S> {
        /// The initial state, which has no data.
        fn initial() -> S;
    }
    ///The state types: what the any-enum's `restore` takes.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` is not a state of `Alarm`",
        label = "not a state of `Alarm`",
        note = "`AnyAlarm::restore` takes the data of one of `Alarm`'s states: `Idle`, `Ringing`, `Off`"
    )]
    pub trait StateOfAlarm: ::core::marker::Sized {
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
        pub mod Idle {
            use super::super::never;
            #[diagnostic::on_unimplemented(
                message = "event `snooze` cannot fire in state `Idle`",
                label = "`Alarm<Idle>` has no transition `snooze`",
                note = "from `Idle`, the events are: `ring`, `retire`",
                note = "`snooze` fires from: `Ringing`",
            )]
            pub trait IdleCanFireSnooze: never {}
            #[diagnostic::do_not_recommend]
            impl<T: never> IdleCanFireSnooze for T {}
            #[diagnostic::on_unimplemented(
                message = "event `stop` cannot fire in state `Idle`",
                label = "`Alarm<Idle>` has no transition `stop`",
                note = "from `Idle`, the events are: `ring`, `retire`",
                note = "`stop` fires from: `Ringing`",
            )]
            pub trait IdleCanFireStop: never {}
            #[diagnostic::do_not_recommend]
            impl<T: never> IdleCanFireStop for T {}
        }
        pub mod Ringing {
            use super::super::never;
            #[diagnostic::on_unimplemented(
                message = "event `ring` cannot fire in state `Ringing`",
                label = "`Alarm<Ringing>` has no transition `ring`",
                note = "from `Ringing`, the events are: `snooze`, `stop`",
                note = "`ring` fires from: `Idle`",
            )]
            pub trait RingingCanFireRing: never {}
            #[diagnostic::do_not_recommend]
            impl<T: never> RingingCanFireRing for T {}
            #[diagnostic::on_unimplemented(
                message = "event `retire` cannot fire in state `Ringing`",
                label = "`Alarm<Ringing>` has no transition `retire`",
                note = "from `Ringing`, the events are: `snooze`, `stop`",
                note = "`retire` fires from: `Idle`",
            )]
            pub trait RingingCanFireRetire: never {}
            #[diagnostic::do_not_recommend]
            impl<T: never> RingingCanFireRetire for T {}
        }
        pub mod Off {
            use super::super::never;
            #[diagnostic::on_unimplemented(
                message = "event `ring` cannot fire in state `Off`",
                label = "`Alarm<Off>` has no transition `ring`",
                note = "`Off` is final: no event leaves it",
                note = "`ring` fires from: `Idle`",
            )]
            pub trait OffCanFireRing: never {}
            #[diagnostic::do_not_recommend]
            impl<T: never> OffCanFireRing for T {}
            #[diagnostic::on_unimplemented(
                message = "event `snooze` cannot fire in state `Off`",
                label = "`Alarm<Off>` has no transition `snooze`",
                note = "`Off` is final: no event leaves it",
                note = "`snooze` fires from: `Ringing`",
            )]
            pub trait OffCanFireSnooze: never {}
            #[diagnostic::do_not_recommend]
            impl<T: never> OffCanFireSnooze for T {}
            #[diagnostic::on_unimplemented(
                message = "event `stop` cannot fire in state `Off`",
                label = "`Alarm<Off>` has no transition `stop`",
                note = "`Off` is final: no event leaves it",
                note = "`stop` fires from: `Ringing`",
            )]
            pub trait OffCanFireStop: never {}
            #[diagnostic::do_not_recommend]
            impl<T: never> OffCanFireStop for T {}
            #[diagnostic::on_unimplemented(
                message = "event `retire` cannot fire in state `Off`",
                label = "`Alarm<Off>` has no transition `retire`",
                note = "`Off` is final: no event leaves it",
                note = "`retire` fires from: `Idle`",
            )]
            pub trait OffCanFireRetire: never {}
            #[diagnostic::do_not_recommend]
            impl<T: never> OffCanFireRetire for T {}
        }
    }
}
impl __sf_alarm::AlarmStartsIn<Idle> for AlarmState {
    fn initial() -> Idle {
        Idle
    }
}
#[diagnostic::do_not_recommend]
impl __sf_alarm::StateOfAlarm for Idle {
    type Machine = AnyAlarm;
    type Context = Vec<String>;
    fn restore_any(context: Vec<String>, state: Idle) -> AnyAlarm {
        AnyAlarm::Idle(Alarm { context, state })
    }
}
#[diagnostic::do_not_recommend]
impl __sf_alarm::StateOfAlarm for Ringing {
    type Machine = AnyAlarm;
    type Context = Vec<String>;
    fn restore_any(context: Vec<String>, state: Ringing) -> AnyAlarm {
        AnyAlarm::Ringing(Alarm { context, state })
    }
}
#[diagnostic::do_not_recommend]
impl __sf_alarm::StateOfAlarm for Off {
    type Machine = AnyAlarm;
    type Context = Vec<String>;
    fn restore_any(context: Vec<String>, state: Off) -> AnyAlarm {
        AnyAlarm::Off(Alarm { context, state })
    }
}
///The states of [`Alarm`], by name.
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
pub enum AlarmState {
    ///`idle`
    Idle,
    ///`ringing`
    Ringing,
    ///`off`
    Off,
}
impl AlarmState {
    /// Every state, in declaration order.
    pub const ALL: [AlarmState; 3usize] = [
        AlarmState::Idle,
        AlarmState::Ringing,
        AlarmState::Off,
    ];
    /// The initial state.
    pub const INITIAL: AlarmState = AlarmState::Idle;
    /// The state's stored name (`in_progress` for `InProgress`).
    pub const fn as_str(self) -> &'static str {
        match self {
            AlarmState::Idle => "idle",
            AlarmState::Ringing => "ringing",
            AlarmState::Off => "off",
        }
    }
    /// Whether the state is final: no event leaves it.
    pub const fn is_final(self) -> bool {
        match self {
            AlarmState::Idle => false,
            AlarmState::Ringing => false,
            AlarmState::Off => true,
        }
    }
}
impl ::core::fmt::Display for AlarmState {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        f.write_str(self.as_str())
    }
}
impl ::core::str::FromStr for AlarmState {
    type Err = ::stateforge::__private::core::ParseStateError;
    fn from_str(s: &str) -> ::core::result::Result<Self, Self::Err> {
        match s {
            "idle" => ::core::result::Result::Ok(AlarmState::Idle),
            "ringing" => ::core::result::Result::Ok(AlarmState::Ringing),
            "off" => ::core::result::Result::Ok(AlarmState::Off),
            _ => {
                ::core::result::Result::Err(::stateforge::__private::core::ParseStateError {
                    machine: "alarm",
                    name: ::std::string::ToString::to_string(s),
                })
            }
        }
    }
}
///The events of [`Alarm`], with their arguments.
#[allow(dead_code)]
pub enum AlarmEvent {
    ///Event `ring`.
    Ring {
        ///Argument `round` of `ring`.
        round: u32,
    },
    ///Event `snooze`.
    Snooze,
    ///Event `stop`.
    Stop,
    ///Event `retire`.
    Retire,
}
impl AlarmEvent {
    /// The event's name.
    pub fn name(&self) -> &'static str {
        match *self {
            AlarmEvent::Ring { .. } => "ring",
            AlarmEvent::Snooze => "snooze",
            AlarmEvent::Stop => "stop",
            AlarmEvent::Retire => "retire",
        }
    }
}
impl ::stateforge::__private::core::Event for AlarmEvent {
    fn id(&self) -> ::stateforge::__private::core::EventId {
        match *self {
            AlarmEvent::Ring { .. } => {
                ::stateforge::__private::core::EventId::__from_index(0u32)
            }
            AlarmEvent::Snooze => {
                ::stateforge::__private::core::EventId::__from_index(1u32)
            }
            AlarmEvent::Stop => {
                ::stateforge::__private::core::EventId::__from_index(2u32)
            }
            AlarmEvent::Retire => {
                ::stateforge::__private::core::EventId::__from_index(3u32)
            }
        }
    }
}
///A [`Alarm`] in whichever state it is: fire events by value, match to get the typed machine back.
pub enum AnyAlarm {
    ///In state `idle`.
    Idle(Alarm<Idle>),
    ///In state `ringing`.
    Ringing(Alarm<Ringing>),
    ///In state `off`.
    Off(Alarm<Off>),
}
impl AnyAlarm {
    /// The checked description of this machine, built once.
    pub fn definition() -> &'static ::stateforge::__private::core::Definition {
        static __SF_DEFINITION: ::std::sync::LazyLock<
            ::stateforge::__private::core::Definition,
        > = ::std::sync::LazyLock::new(|| {
            ::stateforge::__private::core::Definition::__compiled(
                "alarm",
                "initial idle exit leave_idle, ringing entry start_bell exit stop_bell, final off",
                "ring: idle -> ringing; snooze: ringing -> ringing => next_round; stop: ringing -> idle; retire: idle -> off",
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
        ::stateforge::__private::core::WrongState::new(self, "alarm", expected, found)
    }
    /// The refusal of `event`, which no transition takes out of the
    /// current state.
    #[inline(always)]
    fn __sf_no_transition(
        self,
        event: AlarmEvent,
        name: &'static str,
    ) -> ::stateforge::__private::core::NotAllowed<Self, AlarmEvent> {
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
    pub fn state(&self) -> AlarmState {
        match self {
            AnyAlarm::Idle(_) => AlarmState::Idle,
            AnyAlarm::Ringing(_) => AlarmState::Ringing,
            AnyAlarm::Off(_) => AlarmState::Off,
        }
    }
    /// Whether the current state is final.
    pub fn is_final(&self) -> bool {
        self.state().is_final()
    }
    /**Rebuilds a machine in the state of `state`, from `context` and that state's data (read from storage, say); no guard and no action runs.

The state's type says which state: `S` is one of the state types (`Ringing`, ...), so a wrong pairing does not compile. This is `AnyAlarm::from(Alarm::<S>::restore(..))` in one call; a state known only at run time, as a name, goes through the JSON impls instead.

```ignore
let any = AnyAlarm::restore(context, Ringing { round: todo!() });
assert_eq!(any.state(), AlarmState::Ringing);
```*/
    pub fn restore<S>(context: Vec<String>, state: S) -> Self
    where
        S: __sf_alarm::StateOfAlarm<Machine = Self, Context = Vec<String>>,
    {
        S::restore_any(context, state)
    }
    /**The names of the events declared out of the current state, in declaration order (guards not consulted: see [`Self::can_fire`]). The same list as `Machine::allowed_events`.

```ignore
let any = AnyAlarm::from(Alarm::new(context));
assert_eq!(any.allowed_events(), ["ring", "retire"]);
```*/
    pub fn allowed_events(&self) -> &'static [&'static str] {
        match self {
            AnyAlarm::Idle(_) => &["ring", "retire"],
            AnyAlarm::Ringing(_) => &["snooze", "stop"],
            AnyAlarm::Off(_) => &[],
        }
    }
    /**The states one event leads to from the current state, each once, in declaration order (guards not consulted); the current state itself when an event leads back to it.

```ignore
let any = AnyAlarm::from(Alarm::new(context));
assert_eq!(any.next_states(), [AlarmState::Ringing, AlarmState::Off]);
```*/
    pub fn next_states(&self) -> &'static [AlarmState] {
        match self {
            AnyAlarm::Idle(_) => &[AlarmState::Ringing, AlarmState::Off],
            AnyAlarm::Ringing(_) => &[AlarmState::Idle, AlarmState::Ringing],
            AnyAlarm::Off(_) => &[],
        }
    }
    /**Whether one event leads from the current state to `state`: [`Self::next_states`] contains it.

```ignore
let any = AnyAlarm::from(Alarm::new(context));
assert_eq!(any.can_transition_to(AlarmState::Ringing), true);
```*/
    pub fn can_transition_to(&self, state: AlarmState) -> bool {
        self.next_states().contains(&state)
    }
    /// Whether `event` would be accepted now, its guard consulted.
    #[inline]
    pub fn can_fire(&self, event: &AlarmEvent) -> bool {
        #[allow(unreachable_patterns)]
        match (self, event) {
            (AnyAlarm::Idle(_), AlarmEvent::Ring { .. }) => true,
            (AnyAlarm::Ringing(_), AlarmEvent::Snooze) => true,
            (AnyAlarm::Ringing(_), AlarmEvent::Stop) => true,
            (AnyAlarm::Idle(_), AlarmEvent::Retire) => true,
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
        event: AlarmEvent,
    ) -> ::core::result::Result<
        AnyAlarm,
        ::stateforge::__private::core::NotAllowed<AnyAlarm, AlarmEvent>,
    > {
        use ::core::result::Result::{Err, Ok};
        #[allow(unreachable_patterns)]
        match event {
            AlarmEvent::Ring { round } => {
                match self {
                    AnyAlarm::Idle(__sf_m) => Ok(AnyAlarm::Ringing(__sf_m.ring(round))),
                    __sf_machine => {
                        Err(
                            __sf_machine
                                .__sf_no_transition(AlarmEvent::Ring { round }, "ring"),
                        )
                    }
                }
            }
            AlarmEvent::Snooze => {
                match self {
                    AnyAlarm::Ringing(__sf_m) => Ok(AnyAlarm::Ringing(__sf_m.snooze())),
                    __sf_machine => {
                        Err(
                            __sf_machine.__sf_no_transition(AlarmEvent::Snooze, "snooze"),
                        )
                    }
                }
            }
            AlarmEvent::Stop => {
                match self {
                    AnyAlarm::Ringing(__sf_m) => Ok(AnyAlarm::Idle(__sf_m.stop())),
                    __sf_machine => {
                        Err(__sf_machine.__sf_no_transition(AlarmEvent::Stop, "stop"))
                    }
                }
            }
            AlarmEvent::Retire => {
                match self {
                    AnyAlarm::Idle(__sf_m) => Ok(AnyAlarm::Off(__sf_m.retire())),
                    __sf_machine => {
                        Err(
                            __sf_machine.__sf_no_transition(AlarmEvent::Retire, "retire"),
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
        event: AlarmEvent,
        refusal: ::stateforge::__private::core::Refusal,
    ) -> ::stateforge::__private::core::NotAllowed<(), AlarmEvent> {
        let state = self.state().as_str();
        let name = AlarmEvent::name(&event);
        ::stateforge::__private::core::NotAllowed::new((), event, state, name, refusal)
    }
    /**Fires `event` on the machine where it is (a field of a struct, an element of a collection), which is left in the state reached: [`AnyAlarm::fire`] without taking the machine out and putting it back.

The guard and the action run on the machine in place, by reference, before the state changes: a refused event changes nothing, and a guard or an action that panics leaves the machine whole, in its state, with the context as the action left it. The fields of the old state that the new one does not take are dropped once the machine is back in its place.

```ignore
let mut any = AnyAlarm::from(machine);
any.fire_in_place(event)?;
```

# Errors

A `NotAllowed` holding the event, naming the state, the event and, for a guard, the guard; its `machine` is `()`: the machine stayed where it was, unchanged.*/
    /**

# Entry and exit actions

A state's exit action runs with the arm's action, before the state changes; the entry action of the state reached runs after, on the machine back in its place: one that panics leaves it in that state.*/
    #[inline]
    pub fn fire_in_place(
        &mut self,
        event: AlarmEvent,
    ) -> ::core::result::Result<
        (),
        ::stateforge::__private::core::NotAllowed<(), AlarmEvent>,
    > {
        use ::core::result::Result::{Err, Ok};
        #[allow(unreachable_patterns)]
        let __sf_chosen: ::core::result::Result<
            u32,
            ::stateforge::__private::core::Refusal,
        > = match (&event, &mut *self) {
            (AlarmEvent::Ring { .. }, AnyAlarm::Idle(__sf_m)) => {
                __sf_m.__sf_exit();
                Ok(0)
            }
            (AlarmEvent::Snooze, AnyAlarm::Ringing(__sf_m)) => {
                __sf_m.__sf_exit();
                __sf_m.__sf_action_snooze();
                Ok(1)
            }
            (AlarmEvent::Stop, AnyAlarm::Ringing(__sf_m)) => {
                __sf_m.__sf_exit();
                Ok(2)
            }
            (AlarmEvent::Retire, AnyAlarm::Idle(__sf_m)) => {
                __sf_m.__sf_exit();
                Ok(3)
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
            Idle(Idle),
            Ringing(Ringing),
        }
        let mut __sf_left = __SfLeft::__SfNothing;
        match __sf_k {
            2 => {
                ::stateforge::__private::core::__move_through(
                    self,
                    |__sf_any| match (__sf_k, __sf_any, event) {
                        (2, AnyAlarm::Ringing(__sf_m), _) => {
                            __sf_left = __SfLeft::Ringing(__sf_m.state);
                            AnyAlarm::Idle(Alarm {
                                context: __sf_m.context,
                                state: Idle,
                            })
                        }
                        (_, __sf_other, _) => __sf_other,
                    },
                );
            }
            0 | 1 => {
                ::stateforge::__private::core::__move_through(
                    self,
                    |__sf_any| match (__sf_k, __sf_any, event) {
                        (0, AnyAlarm::Idle(__sf_m), AlarmEvent::Ring { round }) => {
                            __sf_left = __SfLeft::Idle(__sf_m.state);
                            AnyAlarm::Ringing(Alarm {
                                context: __sf_m.context,
                                state: Ringing { round: round },
                            })
                        }
                        (1, AnyAlarm::Ringing(__sf_m), _) => {
                            AnyAlarm::Ringing(Alarm {
                                context: __sf_m.context,
                                state: Ringing {
                                    round: __sf_m.state.round,
                                },
                            })
                        }
                        (_, __sf_other, _) => __sf_other,
                    },
                );
                if let AnyAlarm::Ringing(__sf_n) = self {
                    __sf_n.__sf_entry();
                }
            }
            3 => {
                ::stateforge::__private::core::__move_through(
                    self,
                    |__sf_any| match (__sf_k, __sf_any, event) {
                        (3, AnyAlarm::Idle(__sf_m), _) => {
                            __sf_left = __SfLeft::Idle(__sf_m.state);
                            AnyAlarm::Off(Alarm {
                                context: __sf_m.context,
                                state: Off,
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
    pub fn context(&self) -> &Vec<String> {
        match self {
            AnyAlarm::Idle(m) => m.context(),
            AnyAlarm::Ringing(m) => m.context(),
            AnyAlarm::Off(m) => m.context(),
        }
    }
    /// The context, to change; the state stays as it is.
    pub fn context_mut(&mut self) -> &mut Vec<String> {
        match self {
            AnyAlarm::Idle(m) => m.context_mut(),
            AnyAlarm::Ringing(m) => m.context_mut(),
            AnyAlarm::Off(m) => m.context_mut(),
        }
    }
}
impl ::stateforge::__private::core::Machine for AnyAlarm {
    type Context = Vec<String>;
    type Event = AlarmEvent;
    fn definition() -> &'static ::stateforge::__private::core::Definition {
        AnyAlarm::definition()
    }
    fn state_id(&self) -> ::stateforge::__private::core::StateId {
        match self {
            AnyAlarm::Idle(_) => {
                ::stateforge::__private::core::StateId::__from_index(0u32)
            }
            AnyAlarm::Ringing(_) => {
                ::stateforge::__private::core::StateId::__from_index(1u32)
            }
            AnyAlarm::Off(_) => {
                ::stateforge::__private::core::StateId::__from_index(2u32)
            }
        }
    }
    fn context(&self) -> &Vec<String> {
        AnyAlarm::context(self)
    }
    fn can_fire(&self, event: &AlarmEvent) -> bool {
        AnyAlarm::can_fire(self, event)
    }
    fn allowed_events(&self) -> &'static [&'static str] {
        AnyAlarm::allowed_events(self)
    }
    fn fire(
        self,
        event: AlarmEvent,
    ) -> ::core::result::Result<
        Self,
        ::stateforge::__private::core::NotAllowed<Self, AlarmEvent>,
    > {
        AnyAlarm::fire(self, event)
    }
    fn fire_in_place(
        &mut self,
        event: AlarmEvent,
    ) -> ::core::result::Result<
        (),
        ::stateforge::__private::core::NotAllowed<(), AlarmEvent>,
    > {
        AnyAlarm::fire_in_place(self, event)
    }
}
impl ::core::convert::From<Alarm<Idle>> for AnyAlarm {
    fn from(machine: Alarm<Idle>) -> Self {
        AnyAlarm::Idle(machine)
    }
}
impl ::core::convert::TryFrom<AnyAlarm> for Alarm<Idle> {
    type Error = ::stateforge::__private::core::WrongState<AnyAlarm>;
    fn try_from(any: AnyAlarm) -> ::core::result::Result<Self, Self::Error> {
        #[allow(unreachable_patterns)]
        match any {
            AnyAlarm::Idle(machine) => ::core::result::Result::Ok(machine),
            other => ::core::result::Result::Err(other.__sf_wrong_state("idle")),
        }
    }
}
impl ::core::convert::From<Alarm<Ringing>> for AnyAlarm {
    fn from(machine: Alarm<Ringing>) -> Self {
        AnyAlarm::Ringing(machine)
    }
}
impl ::core::convert::TryFrom<AnyAlarm> for Alarm<Ringing> {
    type Error = ::stateforge::__private::core::WrongState<AnyAlarm>;
    fn try_from(any: AnyAlarm) -> ::core::result::Result<Self, Self::Error> {
        #[allow(unreachable_patterns)]
        match any {
            AnyAlarm::Ringing(machine) => ::core::result::Result::Ok(machine),
            other => ::core::result::Result::Err(other.__sf_wrong_state("ringing")),
        }
    }
}
impl ::core::convert::From<Alarm<Off>> for AnyAlarm {
    fn from(machine: Alarm<Off>) -> Self {
        AnyAlarm::Off(machine)
    }
}
impl ::core::convert::TryFrom<AnyAlarm> for Alarm<Off> {
    type Error = ::stateforge::__private::core::WrongState<AnyAlarm>;
    fn try_from(any: AnyAlarm) -> ::core::result::Result<Self, Self::Error> {
        #[allow(unreachable_patterns)]
        match any {
            AnyAlarm::Off(machine) => ::core::result::Result::Ok(machine),
            other => ::core::result::Result::Err(other.__sf_wrong_state("off")),
        }
    }
}
