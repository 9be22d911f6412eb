///State `off` of [`Switch`].
struct Off;
///State `on` of [`Switch`].
struct On;
/**A `Switch<S>` is a machine in state `S`; only the transitions declared out of `S` exist as methods. [`AnySwitch`] holds one in whichever state it is, and [`AnySwitch::definition`] describes the machine.

`new` starts a machine in the initial state; each state's `restore` rebuilds one that is already in that state, from storage: the one way to hold a `Switch` in another state without firing events. It runs no guard and no action.*/
/**

# Diagram


<svg xmlns="http://www.w3.org/2000/svg" width="325" height="79" viewBox="18 16 325 79" font-family="sans-serif">
<defs><marker id="sf-switch-head" markerWidth="10" markerHeight="7" refX="10" refY="3.5" orient="auto-start-reverse"><polygon points="0 0, 10 3.5, 0 7" fill="#333"/></marker></defs>
<rect x="18" y="16" width="325" height="79" fill="white"/>
<g class="start"><circle cx="37" cy="62" r="7" fill="#333"/>
</g>
<g class="state"><rect x="104" y="44" width="53.5" height="36" rx="8" fill="#f4f6fb" stroke="#333" stroke-width="1.2"/>
<text x="130.8" y="62" font-size="14" text-anchor="middle" dominant-baseline="central" fill="#111">off</text>
</g>
<g class="state"><rect x="285.5" y="30" width="45" height="36" rx="8" fill="#f4f6fb" stroke="#333" stroke-width="1.2"/>
<text x="308" y="48" font-size="14" text-anchor="middle" dominant-baseline="central" fill="#111">on</text>
</g>
<text class="label" x="221.5" y="40" font-size="12" text-anchor="middle" dominant-baseline="central" fill="#111">toggle</text>
<text class="label" x="221.5" y="68" font-size="12" text-anchor="middle" dominant-baseline="central" fill="#111">toggle</text>
<path class="initial" d="M 44 62 C 74 62, 74 62, 104 62" fill="none" stroke="#333" stroke-width="1.2" marker-end="url(#sf-switch-head)"/>
<path class="arm" d="M 157.5 60.2 C 187.2 56.3, 220.5 48, 250.5 48 S 255.5 48, 285.5 48" fill="none" stroke="#333" stroke-width="1.2" marker-end="url(#sf-switch-head)"/>
<path class="arm" d="M 157.5 63.8 C 187.2 67.7, 222.4 82.2, 250.5 76 S 259.8 70.3, 285.5 54.8" fill="none" stroke="#333" stroke-width="1.2" marker-start="url(#sf-switch-head)"/>
</svg>


States: `off`, `on`.*/
struct Switch<S> {
    context: (),
    state: S,
}
impl<S> Switch<S> {
    ///A new machine, in its initial state `off` (`Switch<Off>`): `S` is inferred, and no other state has `new` (a machine in another state is reached by firing events, or rebuilt from storage by `restore`).
    fn new() -> Self
    where
        SwitchState: __sf_switch::SwitchStartsIn<S>,
    {
        Switch {
            context: (),
            state: <SwitchState as __sf_switch::SwitchStartsIn<S>>::initial(),
        }
    }
    /// The context, carried through every state.
    fn context(&self) -> &() {
        &self.context
    }
    /// The context, to change; the state stays as it is.
    fn context_mut(&mut self) -> &mut () {
        &mut self.context
    }
    /// The current state's data.
    fn state(&self) -> &S {
        &self.state
    }
    /// The context and the state's data, taken apart.
    fn into_parts(self) -> ((), S) {
        (self.context, self.state)
    }
    /// The checked description of this machine.
    fn definition() -> &'static ::stateforge::__private::core::Definition {
        AnySwitch::definition()
    }
}
#[allow(clippy::too_many_arguments)]
impl Switch<Off> {
    /// The state this machine is in.
    const STATE: SwitchState = SwitchState::Off;
    ///Rebuilds a machine in state `off`, from storage; see [`Switch`].
    fn restore(state: Off) -> Self {
        Switch { context: (), state }
    }
    /// The current state's stored name.
    fn state_name(&self) -> &'static str {
        "off"
    }
    ///Fires `toggle`: `off` → `on`.
    #[inline]
    fn toggle(self) -> Switch<On> {
        Switch {
            context: self.context,
            state: On,
        }
    }
}
#[allow(clippy::too_many_arguments)]
impl Switch<On> {
    /// The state this machine is in.
    const STATE: SwitchState = SwitchState::On;
    ///Rebuilds a machine in state `on`, from storage; see [`Switch`].
    fn restore(state: On) -> Self {
        Switch { context: (), state }
    }
    /// The current state's stored name.
    fn state_name(&self) -> &'static str {
        "on"
    }
    ///Fires `toggle`: `on` → `off`.
    #[inline]
    fn toggle(self) -> Switch<Off> {
        Switch {
            context: self.context,
            state: Off,
        }
    }
}
///Compile-time refusals of [`Switch`]'s events; nothing here is meant to be used.
#[doc(hidden)]
#[allow(non_camel_case_types, non_snake_case, dead_code, unreachable_pub)]
mod __sf_switch {
    /// What a refused method's body calls: the traits of `refused`
    /// have it as their supertrait, and nothing implements it.
    pub trait never {
        /// Never called.
        fn never(&self) -> !;
    }
    ///Implemented for the initial state only: what `new` requires.
    #[diagnostic::on_unimplemented(
        message = "`new` starts a `Switch` in its initial state `Off`, not in `{S}`",
        label = "`Switch::new` builds a `Switch<Off>`",
        note = "a `Switch<{S}>` is reached by firing events from `Switch::new(..)`",
        note = "to rebuild a `Switch<{S}>` from storage, use `Switch::<{S}>::restore(state)`",
    )]
    pub trait SwitchStartsIn<S> {
        /// The initial state, which has no data.
        fn initial() -> S;
    }
    ///The state types: what the any-enum's `restore` takes.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` is not a state of `Switch`",
        label = "not a state of `Switch`",
        note = "`AnySwitch::restore` takes the data of one of `Switch`'s states: `Off`, `On`"
    )]
    pub trait StateOfSwitch: ::core::marker::Sized {
        /// The any-enum.
        type Machine;
        /// The machine's context.
        type Context;
        /// The any-enum in this state.
        fn restore_any(context: Self::Context, state: Self) -> Self::Machine;
    }
    /// One module per state, named as the state, holding one
    /// trait per event the state refuses.
    pub mod refused {}
}
impl __sf_switch::SwitchStartsIn<Off> for SwitchState {
    fn initial() -> Off {
        Off
    }
}
#[diagnostic::do_not_recommend]
impl __sf_switch::StateOfSwitch for Off {
    type Machine = AnySwitch;
    type Context = ();
    fn restore_any(context: (), state: Off) -> AnySwitch {
        AnySwitch::Off(Switch { context, state })
    }
}
#[diagnostic::do_not_recommend]
impl __sf_switch::StateOfSwitch for On {
    type Machine = AnySwitch;
    type Context = ();
    fn restore_any(context: (), state: On) -> AnySwitch {
        AnySwitch::On(Switch { context, state })
    }
}
///The states of [`Switch`], by name.
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
enum SwitchState {
    ///`off`
    Off,
    ///`on`
    On,
}
impl SwitchState {
    /// Every state, in declaration order.
    const ALL: [SwitchState; 2usize] = [SwitchState::Off, SwitchState::On];
    /// The initial state.
    const INITIAL: SwitchState = SwitchState::Off;
    /// The state's stored name (`in_progress` for `InProgress`).
    const fn as_str(self) -> &'static str {
        match self {
            SwitchState::Off => "off",
            SwitchState::On => "on",
        }
    }
    /// Whether the state is final: no event leaves it.
    const fn is_final(self) -> bool {
        match self {
            SwitchState::Off => false,
            SwitchState::On => false,
        }
    }
}
impl ::core::fmt::Display for SwitchState {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        f.write_str(self.as_str())
    }
}
impl ::core::str::FromStr for SwitchState {
    type Err = ::stateforge::__private::core::ParseStateError;
    fn from_str(s: &str) -> ::core::result::Result<Self, Self::Err> {
        match s {
            "off" => ::core::result::Result::Ok(SwitchState::Off),
            "on" => ::core::result::Result::Ok(SwitchState::On),
            _ => {
                ::core::result::Result::Err(::stateforge::__private::core::ParseStateError {
                    machine: "switch",
                    name: ::std::string::ToString::to_string(s),
                })
            }
        }
    }
}
///The events of [`Switch`], with their arguments.
#[allow(dead_code)]
enum SwitchEvent {
    ///Event `toggle`.
    Toggle,
}
impl SwitchEvent {
    /// The event's name.
    fn name(&self) -> &'static str {
        match *self {
            SwitchEvent::Toggle => "toggle",
        }
    }
}
impl ::stateforge::__private::core::Event for SwitchEvent {
    fn id(&self) -> ::stateforge::__private::core::EventId {
        match *self {
            SwitchEvent::Toggle => {
                ::stateforge::__private::core::EventId::__from_index(0u32)
            }
        }
    }
}
///A [`Switch`] in whichever state it is: fire events by value, match to get the typed machine back.
enum AnySwitch {
    ///In state `off`.
    Off(Switch<Off>),
    ///In state `on`.
    On(Switch<On>),
}
impl AnySwitch {
    /// The checked description of this machine, built once.
    fn definition() -> &'static ::stateforge::__private::core::Definition {
        static __SF_DEFINITION: ::std::sync::LazyLock<
            ::stateforge::__private::core::Definition,
        > = ::std::sync::LazyLock::new(|| {
            ::stateforge::__private::core::Definition::__compiled(
                "switch",
                "initial off, on",
                "toggle: off -> on, on -> off",
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
        ::stateforge::__private::core::WrongState::new(self, "switch", expected, found)
    }
    /// The refusal of `event`, which no transition takes out of the
    /// current state.
    #[inline(always)]
    fn __sf_no_transition(
        self,
        event: SwitchEvent,
        name: &'static str,
    ) -> ::stateforge::__private::core::NotAllowed<Self, SwitchEvent> {
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
    fn state(&self) -> SwitchState {
        match self {
            AnySwitch::Off(_) => SwitchState::Off,
            AnySwitch::On(_) => SwitchState::On,
        }
    }
    /// Whether the current state is final.
    fn is_final(&self) -> bool {
        self.state().is_final()
    }
    /**Rebuilds a machine in the state of `state`, from that state's data (read from storage, say); no guard and no action runs.

The state's type says which state: `S` is one of the state types (`Off`, ...), so a wrong pairing does not compile. This is `AnySwitch::from(Switch::<S>::restore(..))` in one call; a state known only at run time, as a name, goes through the JSON impls instead.

```ignore
let any = AnySwitch::restore(Off);
assert_eq!(any.state(), SwitchState::Off);
```*/
    fn restore<S>(state: S) -> Self
    where
        S: __sf_switch::StateOfSwitch<Machine = Self, Context = ()>,
    {
        S::restore_any((), state)
    }
    /**The names of the events declared out of the current state, in declaration order (guards not consulted: see [`Self::can_fire`]). The same list as `Machine::allowed_events`.

```ignore
let any = AnySwitch::from(Switch::new());
assert_eq!(any.allowed_events(), ["toggle"]);
```*/
    fn allowed_events(&self) -> &'static [&'static str] {
        match self {
            AnySwitch::Off(_) => &["toggle"],
            AnySwitch::On(_) => &["toggle"],
        }
    }
    /**The states one event leads to from the current state, each once, in declaration order (guards not consulted); the current state itself when an event leads back to it.

```ignore
let any = AnySwitch::from(Switch::new());
assert_eq!(any.next_states(), [SwitchState::On]);
```*/
    fn next_states(&self) -> &'static [SwitchState] {
        match self {
            AnySwitch::Off(_) => &[SwitchState::On],
            AnySwitch::On(_) => &[SwitchState::Off],
        }
    }
    /**Whether one event leads from the current state to `state`: [`Self::next_states`] contains it.

```ignore
let any = AnySwitch::from(Switch::new());
assert_eq!(any.can_transition_to(SwitchState::On), true);
```*/
    fn can_transition_to(&self, state: SwitchState) -> bool {
        self.next_states().contains(&state)
    }
    /// Whether `event` would be accepted now, its guard consulted.
    #[inline]
    fn can_fire(&self, event: &SwitchEvent) -> bool {
        #[allow(unreachable_patterns)]
        match (self, event) {
            (AnySwitch::Off(_) | AnySwitch::On(_), SwitchEvent::Toggle) => true,
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
    fn fire(
        self,
        event: SwitchEvent,
    ) -> ::core::result::Result<
        AnySwitch,
        ::stateforge::__private::core::NotAllowed<AnySwitch, SwitchEvent>,
    > {
        use ::core::result::Result::{Err, Ok};
        #[allow(unreachable_patterns)]
        match event {
            SwitchEvent::Toggle => {
                match self {
                    AnySwitch::Off(__sf_m) => Ok(AnySwitch::On(__sf_m.toggle())),
                    AnySwitch::On(__sf_m) => Ok(AnySwitch::Off(__sf_m.toggle())),
                    __sf_machine => {
                        Err(
                            __sf_machine
                                .__sf_no_transition(SwitchEvent::Toggle, "toggle"),
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
        event: SwitchEvent,
        refusal: ::stateforge::__private::core::Refusal,
    ) -> ::stateforge::__private::core::NotAllowed<(), SwitchEvent> {
        let state = self.state().as_str();
        let name = SwitchEvent::name(&event);
        ::stateforge::__private::core::NotAllowed::new((), event, state, name, refusal)
    }
    /**Fires `event` on the machine where it is (a field of a struct, an element of a collection), which is left in the state reached: [`AnySwitch::fire`] without taking the machine out and putting it back.

The guard and the action run on the machine in place, by reference, before the state changes: a refused event changes nothing, and a guard or an action that panics leaves the machine whole, in its state, with the context as the action left it. The fields of the old state that the new one does not take are dropped once the machine is back in its place.

```ignore
let mut any = AnySwitch::from(machine);
any.fire_in_place(event)?;
```

# Errors

A `NotAllowed` holding the event, naming the state, the event and, for a guard, the guard; its `machine` is `()`: the machine stayed where it was, unchanged.*/
    #[inline]
    fn fire_in_place(
        &mut self,
        event: SwitchEvent,
    ) -> ::core::result::Result<
        (),
        ::stateforge::__private::core::NotAllowed<(), SwitchEvent>,
    > {
        use ::core::result::Result::{Err, Ok};
        #[allow(unreachable_patterns)]
        let __sf_chosen: ::core::result::Result<
            u32,
            ::stateforge::__private::core::Refusal,
        > = match (&event, &mut *self) {
            (SwitchEvent::Toggle, AnySwitch::Off(__sf_m)) => Ok(0),
            (SwitchEvent::Toggle, AnySwitch::On(__sf_m)) => Ok(1),
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
            Off(Off),
            On(On),
        }
        let mut __sf_left = __SfLeft::__SfNothing;
        match __sf_k {
            1 => {
                ::stateforge::__private::core::__move_through(
                    self,
                    |__sf_any| match (__sf_k, __sf_any) {
                        (1, AnySwitch::On(__sf_m)) => {
                            __sf_left = __SfLeft::On(__sf_m.state);
                            AnySwitch::Off(Switch {
                                context: __sf_m.context,
                                state: Off,
                            })
                        }
                        (_, __sf_other) => __sf_other,
                    },
                );
            }
            0 => {
                ::stateforge::__private::core::__move_through(
                    self,
                    |__sf_any| match (__sf_k, __sf_any) {
                        (0, AnySwitch::Off(__sf_m)) => {
                            __sf_left = __SfLeft::Off(__sf_m.state);
                            AnySwitch::On(Switch {
                                context: __sf_m.context,
                                state: On,
                            })
                        }
                        (_, __sf_other) => __sf_other,
                    },
                );
            }
            _ => {}
        }
        Ok(())
    }
    /// The context.
    fn context(&self) -> &() {
        match self {
            AnySwitch::Off(m) => m.context(),
            AnySwitch::On(m) => m.context(),
        }
    }
    /// The context, to change; the state stays as it is.
    fn context_mut(&mut self) -> &mut () {
        match self {
            AnySwitch::Off(m) => m.context_mut(),
            AnySwitch::On(m) => m.context_mut(),
        }
    }
}
impl ::stateforge::__private::core::Machine for AnySwitch {
    type Context = ();
    type Event = SwitchEvent;
    fn definition() -> &'static ::stateforge::__private::core::Definition {
        AnySwitch::definition()
    }
    fn state_id(&self) -> ::stateforge::__private::core::StateId {
        match self {
            AnySwitch::Off(_) => {
                ::stateforge::__private::core::StateId::__from_index(0u32)
            }
            AnySwitch::On(_) => {
                ::stateforge::__private::core::StateId::__from_index(1u32)
            }
        }
    }
    fn context(&self) -> &() {
        AnySwitch::context(self)
    }
    fn can_fire(&self, event: &SwitchEvent) -> bool {
        AnySwitch::can_fire(self, event)
    }
    fn allowed_events(&self) -> &'static [&'static str] {
        AnySwitch::allowed_events(self)
    }
    fn fire(
        self,
        event: SwitchEvent,
    ) -> ::core::result::Result<
        Self,
        ::stateforge::__private::core::NotAllowed<Self, SwitchEvent>,
    > {
        AnySwitch::fire(self, event)
    }
    fn fire_in_place(
        &mut self,
        event: SwitchEvent,
    ) -> ::core::result::Result<
        (),
        ::stateforge::__private::core::NotAllowed<(), SwitchEvent>,
    > {
        AnySwitch::fire_in_place(self, event)
    }
}
impl ::core::convert::From<Switch<Off>> for AnySwitch {
    fn from(machine: Switch<Off>) -> Self {
        AnySwitch::Off(machine)
    }
}
impl ::core::convert::TryFrom<AnySwitch> for Switch<Off> {
    type Error = ::stateforge::__private::core::WrongState<AnySwitch>;
    fn try_from(any: AnySwitch) -> ::core::result::Result<Self, Self::Error> {
        #[allow(unreachable_patterns)]
        match any {
            AnySwitch::Off(machine) => ::core::result::Result::Ok(machine),
            other => ::core::result::Result::Err(other.__sf_wrong_state("off")),
        }
    }
}
impl ::core::convert::From<Switch<On>> for AnySwitch {
    fn from(machine: Switch<On>) -> Self {
        AnySwitch::On(machine)
    }
}
impl ::core::convert::TryFrom<AnySwitch> for Switch<On> {
    type Error = ::stateforge::__private::core::WrongState<AnySwitch>;
    fn try_from(any: AnySwitch) -> ::core::result::Result<Self, Self::Error> {
        #[allow(unreachable_patterns)]
        match any {
            AnySwitch::On(machine) => ::core::result::Result::Ok(machine),
            other => ::core::result::Result::Err(other.__sf_wrong_state("on")),
        }
    }
}
