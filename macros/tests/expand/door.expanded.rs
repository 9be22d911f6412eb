///State `closed` of [`Door`].
#[derive(Debug, Clone)]
pub struct Closed;
///State `open` of [`Door`].
#[derive(Debug, Clone)]
pub struct Open;
///State `locked` of [`Door`].
#[derive(Debug, Clone)]
pub struct Locked {
    ///`code` of state `locked`.
    pub code: u16,
}
///State `broken` of [`Door`] (final).
#[derive(Debug, Clone)]
pub struct Broken;
/// A door with a lock.
/**

A `Door<S>` is a machine in state `S`; only the transitions declared out of `S` exist as methods. [`AnyDoor`] holds one in whichever state it is, and [`AnyDoor::definition`] describes the machine.

`new` starts a machine in the initial state; each state's `restore` rebuilds one that is already in that state, from storage: the one way to hold a `Door` in another state without firing events. It runs no guard and no action.*/
/**

# Diagram


<svg xmlns="http://www.w3.org/2000/svg" width="703" height="198" viewBox="18 16 703 198" font-family="sans-serif">
<defs><marker id="sf-door-head" markerWidth="10" markerHeight="7" refX="10" refY="3.5" orient="auto-start-reverse"><polygon points="0 0, 10 3.5, 0 7" fill="#333"/></marker></defs>
<rect x="18" y="16" width="703" height="198" fill="white"/>
<g class="start"><circle cx="37" cy="122.8" r="7" fill="#333"/>
</g>
<g class="state"><rect x="104" y="104.8" width="79" height="36" rx="8" fill="#f4f6fb" stroke="#333" stroke-width="1.2"/>
<text x="143.5" y="122.8" font-size="14" text-anchor="middle" dominant-baseline="central" fill="#111">closed</text>
</g>
<g class="state"><rect x="439.5" y="30" width="62" height="36" rx="8" fill="#f4f6fb" stroke="#333" stroke-width="1.2"/>
<text x="470.5" y="48" font-size="14" text-anchor="middle" dominant-baseline="central" fill="#111">open</text>
</g>
<g class="state"><rect x="431" y="126" width="79" height="36" rx="8" fill="#f4f6fb" stroke="#333" stroke-width="1.2"/>
<text x="470.5" y="144" font-size="14" text-anchor="middle" dominant-baseline="central" fill="#111">locked</text>
</g>
<g class="state final"><rect x="630" y="126" width="79" height="36" rx="8" fill="#f4f6fb" stroke="#333" stroke-width="1.2"/>
<rect x="633" y="129" width="73" height="30" rx="6" fill="none" stroke="#333" stroke-width="1.2"/>
<text x="669.5" y="144" font-size="14" text-anchor="middle" dominant-baseline="central" fill="#111">broken</text>
</g>
<text class="label" x="307" y="40" font-size="12" text-anchor="middle" dominant-baseline="central" fill="#111">open</text>
<text class="label" x="257" y="74" font-size="12" text-anchor="middle" dominant-baseline="central" fill="#111">close</text>
<text class="label" x="307" y="125.4" font-size="12" text-anchor="middle" dominant-baseline="central" fill="#111">lock</text>
<text class="label" x="307" y="167" font-size="12" text-anchor="middle" dominant-baseline="central" fill="#111">unlock [code_matches]</text>
<text class="label" x="570" y="189.5" font-size="12" text-anchor="middle" dominant-baseline="central" fill="#111">smash</text>
<text class="label" x="570" y="136" font-size="12" text-anchor="middle" dominant-baseline="central" fill="#111">smash</text>
<text class="label" x="307" y="102" font-size="12" text-anchor="middle" dominant-baseline="central" fill="#111">autoclose (after 30s)</text>
<path class="initial" d="M 44 122.8 C 74 122.8, 74 122.8, 104 122.8" fill="none" stroke="#333" stroke-width="1.2" marker-end="url(#sf-door-head)"/>
<path class="arm" d="M 183 113.8 C 210.3 101.4, 298 48, 328 48 S 409.5 48, 439.5 48" fill="none" stroke="#333" stroke-width="1.2" marker-end="url(#sf-door-head)"/>
<path class="arm" d="M 183 116 C 211.4 106.2, 253.2 90.2, 282 82 S 410.1 56.8, 439.5 51" fill="none" stroke="#333" stroke-width="1.2" marker-start="url(#sf-door-head)"/>
<path class="arm" d="M 183 124 C 212.9 126, 298.1 131.3, 328 133.4 S 401.1 139.7, 431 142.3" fill="none" stroke="#333" stroke-width="1.2" marker-end="url(#sf-door-head)"/>
<path class="arm" d="M 183 127.2 C 212.3 133.8, 367.9 181.6, 396 175 S 404.9 170, 431 155.2" fill="none" stroke="#333" stroke-width="1.2" marker-start="url(#sf-door-head)"/>
<path class="arm" d="M 183 133 C 209.6 146.8, 277.5 197.5, 307.5 197.5 S 441 197.5, 471 197.5 S 565 197.5, 595 197.5 S 609.9 183, 631.3 162" fill="none" stroke="#333" stroke-width="1.2" marker-end="url(#sf-door-head)"/>
<path class="arm" d="M 510 144 C 540 144, 565 144, 595 144 S 600 144, 630 144" fill="none" stroke="#333" stroke-width="1.2" marker-end="url(#sf-door-head)"/>
<path class="arm" d="M 183 121.7 C 213 120, 370.8 123.7, 396 110 S 418.8 86, 439.5 64.3" fill="none" stroke="#333" stroke-width="1.2" marker-start="url(#sf-door-head)"/>
</svg>


States: `closed`, `open`, `locked`, `broken`.*/
#[derive(Debug, Clone)]
pub struct Door<S> {
    context: u32,
    state: S,
}
impl<S> Door<S> {
    ///A new machine, in its initial state `closed` (`Door<Closed>`): `S` is inferred, and no other state has `new` (a machine in another state is reached by firing events, or rebuilt from storage by `restore`).
    pub fn new(context: u32) -> Self
    where
        DoorState: __sf_door::DoorStartsIn<S>,
    {
        Door {
            context,
            state: <DoorState as __sf_door::DoorStartsIn<S>>::initial(),
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
        AnyDoor::definition()
    }
}
#[allow(clippy::too_many_arguments)]
impl Door<Closed> {
    /// The state this machine is in.
    pub const STATE: DoorState = DoorState::Closed;
    ///Rebuilds a machine in state `closed`, from storage; see [`Door`].
    pub fn restore(context: u32, state: Closed) -> Self {
        Door { context, state }
    }
    /// The current state's stored name.
    pub fn state_name(&self) -> &'static str {
        "closed"
    }
    ///Fires `open`: `closed` → `open`.
    #[inline]
    pub fn open(self) -> Door<Open> {
        Door {
            context: self.context,
            state: Open,
        }
    }
    ///Fires `lock`: `closed` → `locked`.
    #[inline]
    pub fn lock(self, code: u16) -> Door<Locked> {
        Door {
            context: self.context,
            state: Locked { code: code },
        }
    }
    ///Fires `smash`: `closed` → `broken`.
    #[inline]
    pub fn smash(self) -> Door<Broken> {
        Door {
            context: self.context,
            state: Broken,
        }
    }
}
#[allow(unused_variables, clippy::unused_self, clippy::too_many_arguments)]
impl Door<Closed> {
    #[doc(hidden)]
    pub fn close(self) -> Door<Closed>
    where
        for<'__sf> Closed: __sf_door::refused::Closed::ClosedCanFireClose,
    {
        __sf_door::never::never(&self.state)
    }
    #[doc(hidden)]
    pub fn unlock(self, code: u16) -> Door<Closed>
    where
        for<'__sf> Closed: __sf_door::refused::Closed::ClosedCanFireUnlock,
    {
        __sf_door::never::never(&self.state)
    }
    #[doc(hidden)]
    pub fn autoclose(self) -> Door<Closed>
    where
        for<'__sf> Closed: __sf_door::refused::Closed::ClosedCanFireAutoclose,
    {
        __sf_door::never::never(&self.state)
    }
}
#[allow(clippy::too_many_arguments)]
impl Door<Open> {
    /// The state this machine is in.
    pub const STATE: DoorState = DoorState::Open;
    ///Rebuilds a machine in state `open`, from storage; see [`Door`].
    pub fn restore(context: u32, state: Open) -> Self {
        Door { context, state }
    }
    /// The current state's stored name.
    pub fn state_name(&self) -> &'static str {
        "open"
    }
    ///Fires `close`: `open` → `closed`.
    #[inline]
    pub fn close(self) -> Door<Closed> {
        Door {
            context: self.context,
            state: Closed,
        }
    }
    ///Fires `autoclose`: `open` → `closed`.
    #[inline]
    pub fn autoclose(self) -> Door<Closed> {
        Door {
            context: self.context,
            state: Closed,
        }
    }
}
#[allow(unused_variables, clippy::unused_self, clippy::too_many_arguments)]
impl Door<Open> {
    #[doc(hidden)]
    pub fn open(self) -> Door<Open>
    where
        for<'__sf> Open: __sf_door::refused::Open::OpenCanFireOpen,
    {
        __sf_door::never::never(&self.state)
    }
    #[doc(hidden)]
    pub fn lock(self, code: u16) -> Door<Locked>
    where
        for<'__sf> Open: __sf_door::refused::Open::OpenCanFireLock,
    {
        __sf_door::never::never(&self.state)
    }
    #[doc(hidden)]
    pub fn unlock(self, code: u16) -> Door<Closed>
    where
        for<'__sf> Open: __sf_door::refused::Open::OpenCanFireUnlock,
    {
        __sf_door::never::never(&self.state)
    }
    #[doc(hidden)]
    pub fn smash(self) -> Door<Broken>
    where
        for<'__sf> Open: __sf_door::refused::Open::OpenCanFireSmash,
    {
        __sf_door::never::never(&self.state)
    }
}
#[allow(clippy::too_many_arguments)]
impl Door<Locked> {
    /// The state this machine is in.
    pub const STATE: DoorState = DoorState::Locked;
    ///Rebuilds a machine in state `locked`, from storage; see [`Door`].
    pub fn restore(context: u32, state: Locked) -> Self {
        Door { context, state }
    }
    /// The current state's stored name.
    pub fn state_name(&self) -> &'static str {
        "locked"
    }
    #[doc(hidden)]
    #[inline]
    #[allow(clippy::ptr_arg)]
    pub fn __sf_guard_unlock(&self, code: &u16) -> bool {
        code_matches(&self.context, &self.state, code)
    }
    #[inline]
    #[allow(clippy::ptr_arg)]
    fn __sf_action_unlock(&mut self, code: &u16) {
        count_unlock(&mut self.context, &self.state, code);
    }
    ///Fires `unlock`: `locked` → `closed`, if `code_matches` allows it, running `count_unlock`.
    /**

# Errors

When `code_matches` says no, the machine and the arguments come back unchanged in a `Rejected`.*/
    #[inline]
    pub fn unlock(
        mut self,
        code: u16,
    ) -> ::core::result::Result<
        Door<Closed>,
        ::stateforge::__private::core::Rejected<Door<Locked>, (u16,)>,
    > {
        if !self.__sf_guard_unlock(&code) {
            return ::core::result::Result::Err(
                ::stateforge::__private::core::Rejected::new(
                    self,
                    (code,),
                    "locked",
                    "unlock",
                    "code_matches",
                ),
            );
        }
        ::core::result::Result::Ok({
            self.__sf_action_unlock(&code);
            let _ = code;
            Door {
                context: self.context,
                state: Closed,
            }
        })
    }
    ///Fires `smash`: `locked` → `broken`.
    #[inline]
    pub fn smash(self) -> Door<Broken> {
        Door {
            context: self.context,
            state: Broken,
        }
    }
}
#[allow(unused_variables, clippy::unused_self, clippy::too_many_arguments)]
impl Door<Locked> {
    #[doc(hidden)]
    pub fn open(self) -> Door<Open>
    where
        for<'__sf> Locked: __sf_door::refused::Locked::LockedCanFireOpen,
    {
        __sf_door::never::never(&self.state)
    }
    #[doc(hidden)]
    pub fn close(self) -> Door<Closed>
    where
        for<'__sf> Locked: __sf_door::refused::Locked::LockedCanFireClose,
    {
        __sf_door::never::never(&self.state)
    }
    #[doc(hidden)]
    pub fn lock(self, code: u16) -> Door<Locked>
    where
        for<'__sf> Locked: __sf_door::refused::Locked::LockedCanFireLock,
    {
        __sf_door::never::never(&self.state)
    }
    #[doc(hidden)]
    pub fn autoclose(self) -> Door<Closed>
    where
        for<'__sf> Locked: __sf_door::refused::Locked::LockedCanFireAutoclose,
    {
        __sf_door::never::never(&self.state)
    }
}
#[allow(clippy::too_many_arguments)]
impl Door<Broken> {
    /// The state this machine is in.
    pub const STATE: DoorState = DoorState::Broken;
    ///Rebuilds a machine in state `broken`, from storage; see [`Door`].
    pub fn restore(context: u32, state: Broken) -> Self {
        Door { context, state }
    }
    /// The current state's stored name.
    pub fn state_name(&self) -> &'static str {
        "broken"
    }
}
#[allow(unused_variables, clippy::unused_self, clippy::too_many_arguments)]
impl Door<Broken> {
    #[doc(hidden)]
    pub fn open(self) -> Door<Open>
    where
        for<'__sf> Broken: __sf_door::refused::Broken::BrokenCanFireOpen,
    {
        __sf_door::never::never(&self.state)
    }
    #[doc(hidden)]
    pub fn close(self) -> Door<Closed>
    where
        for<'__sf> Broken: __sf_door::refused::Broken::BrokenCanFireClose,
    {
        __sf_door::never::never(&self.state)
    }
    #[doc(hidden)]
    pub fn lock(self, code: u16) -> Door<Locked>
    where
        for<'__sf> Broken: __sf_door::refused::Broken::BrokenCanFireLock,
    {
        __sf_door::never::never(&self.state)
    }
    #[doc(hidden)]
    pub fn unlock(self, code: u16) -> Door<Closed>
    where
        for<'__sf> Broken: __sf_door::refused::Broken::BrokenCanFireUnlock,
    {
        __sf_door::never::never(&self.state)
    }
    #[doc(hidden)]
    pub fn smash(self) -> Door<Broken>
    where
        for<'__sf> Broken: __sf_door::refused::Broken::BrokenCanFireSmash,
    {
        __sf_door::never::never(&self.state)
    }
    #[doc(hidden)]
    pub fn autoclose(self) -> Door<Closed>
    where
        for<'__sf> Broken: __sf_door::refused::Broken::BrokenCanFireAutoclose,
    {
        __sf_door::never::never(&self.state)
    }
}
///Compile-time refusals of [`Door`]'s events; nothing here is meant to be used.
#[doc(hidden)]
#[allow(non_camel_case_types, non_snake_case, dead_code, unreachable_pub)]
pub mod __sf_door {
    /// What a refused method's body calls: the traits of `refused`
    /// have it as their supertrait, and nothing implements it.
    pub trait never {
        /// Never called.
        fn never(&self) -> !;
    }
    ///Implemented for the initial state only: what `new` requires.
    #[diagnostic::on_unimplemented(
        message = "`new` starts a `Door` in its initial state `Closed`, not in `{S}`",
        label = "`Door::new` builds a `Door<Closed>`",
        note = "a `Door<{S}>` is reached by firing events from `Door::new(..)`",
        note = "to rebuild a `Door<{S}>` from storage, use `Door::<{S}>::restore(context, state)`",
    )]
    pub trait DoorStartsIn<S> {
        /// The initial state, which has no data.
        fn initial() -> S;
    }
    ///The state types: what the any-enum's `restore` takes.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` is not a state of `Door`",
        label = "not a state of `Door`",
        note = "`AnyDoor::restore` takes the data of one of `Door`'s states: `Closed`, `Open`, `Locked`, `Broken`"
    )]
    pub trait StateOfDoor: ::core::marker::Sized {
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
        pub mod Closed {
            use super::super::never;
            #[diagnostic::on_unimplemented(
                message = "event `close` cannot fire in state `Closed`",
                label = "`Door<Closed>` has no transition `close`",
                note = "from `Closed`, the events are: `open`, `lock`, `smash`",
                note = "`close` fires from: `Open`",
            )]
            pub trait ClosedCanFireClose: never {}
            #[diagnostic::do_not_recommend]
            impl<T: never> ClosedCanFireClose for T {}
            #[diagnostic::on_unimplemented(
                message = "event `unlock` cannot fire in state `Closed`",
                label = "`Door<Closed>` has no transition `unlock`",
                note = "from `Closed`, the events are: `open`, `lock`, `smash`",
                note = "`unlock` fires from: `Locked`",
            )]
            pub trait ClosedCanFireUnlock: never {}
            #[diagnostic::do_not_recommend]
            impl<T: never> ClosedCanFireUnlock for T {}
            #[diagnostic::on_unimplemented(
                message = "event `autoclose` cannot fire in state `Closed`",
                label = "`Door<Closed>` has no transition `autoclose`",
                note = "from `Closed`, the events are: `open`, `lock`, `smash`",
                note = "`autoclose` fires from: `Open`",
            )]
            pub trait ClosedCanFireAutoclose: never {}
            #[diagnostic::do_not_recommend]
            impl<T: never> ClosedCanFireAutoclose for T {}
        }
        pub mod Open {
            use super::super::never;
            #[diagnostic::on_unimplemented(
                message = "event `open` cannot fire in state `Open`",
                label = "`Door<Open>` has no transition `open`",
                note = "from `Open`, the events are: `close`, `autoclose`",
                note = "`open` fires from: `Closed`",
            )]
            pub trait OpenCanFireOpen: never {}
            #[diagnostic::do_not_recommend]
            impl<T: never> OpenCanFireOpen for T {}
            #[diagnostic::on_unimplemented(
                message = "event `lock` cannot fire in state `Open`",
                label = "`Door<Open>` has no transition `lock`",
                note = "from `Open`, the events are: `close`, `autoclose`",
                note = "`lock` fires from: `Closed`",
            )]
            pub trait OpenCanFireLock: never {}
            #[diagnostic::do_not_recommend]
            impl<T: never> OpenCanFireLock for T {}
            #[diagnostic::on_unimplemented(
                message = "event `unlock` cannot fire in state `Open`",
                label = "`Door<Open>` has no transition `unlock`",
                note = "from `Open`, the events are: `close`, `autoclose`",
                note = "`unlock` fires from: `Locked`",
            )]
            pub trait OpenCanFireUnlock: never {}
            #[diagnostic::do_not_recommend]
            impl<T: never> OpenCanFireUnlock for T {}
            #[diagnostic::on_unimplemented(
                message = "event `smash` cannot fire in state `Open`",
                label = "`Door<Open>` has no transition `smash`",
                note = "from `Open`, the events are: `close`, `autoclose`",
                note = "`smash` fires from: `Closed`, `Locked`",
            )]
            pub trait OpenCanFireSmash: never {}
            #[diagnostic::do_not_recommend]
            impl<T: never> OpenCanFireSmash for T {}
        }
        pub mod Locked {
            use super::super::never;
            #[diagnostic::on_unimplemented(
                message = "event `open` cannot fire in state `Locked`",
                label = "`Door<Locked>` has no transition `open`",
                note = "from `Locked`, the events are: `unlock`, `smash`",
                note = "`open` fires from: `Closed`",
            )]
            pub trait LockedCanFireOpen: never {}
            #[diagnostic::do_not_recommend]
            impl<T: never> LockedCanFireOpen for T {}
            #[diagnostic::on_unimplemented(
                message = "event `close` cannot fire in state `Locked`",
                label = "`Door<Locked>` has no transition `close`",
                note = "from `Locked`, the events are: `unlock`, `smash`",
                note = "`close` fires from: `Open`",
            )]
            pub trait LockedCanFireClose: never {}
            #[diagnostic::do_not_recommend]
            impl<T: never> LockedCanFireClose for T {}
            #[diagnostic::on_unimplemented(
                message = "event `lock` cannot fire in state `Locked`",
                label = "`Door<Locked>` has no transition `lock`",
                note = "from `Locked`, the events are: `unlock`, `smash`",
                note = "`lock` fires from: `Closed`",
            )]
            pub trait LockedCanFireLock: never {}
            #[diagnostic::do_not_recommend]
            impl<T: never> LockedCanFireLock for T {}
            #[diagnostic::on_unimplemented(
                message = "event `autoclose` cannot fire in state `Locked`",
                label = "`Door<Locked>` has no transition `autoclose`",
                note = "from `Locked`, the events are: `unlock`, `smash`",
                note = "`autoclose` fires from: `Open`",
            )]
            pub trait LockedCanFireAutoclose: never {}
            #[diagnostic::do_not_recommend]
            impl<T: never> LockedCanFireAutoclose for T {}
        }
        pub mod Broken {
            use super::super::never;
            #[diagnostic::on_unimplemented(
                message = "event `open` cannot fire in state `Broken`",
                label = "`Door<Broken>` has no transition `open`",
                note = "`Broken` is final: no event leaves it",
                note = "`open` fires from: `Closed`",
            )]
            pub trait BrokenCanFireOpen: never {}
            #[diagnostic::do_not_recommend]
            impl<T: never> BrokenCanFireOpen for T {}
            #[diagnostic::on_unimplemented(
                message = "event `close` cannot fire in state `Broken`",
                label = "`Door<Broken>` has no transition `close`",
                note = "`Broken` is final: no event leaves it",
                note = "`close` fires from: `Open`",
            )]
            pub trait BrokenCanFireClose: never {}
            #[diagnostic::do_not_recommend]
            impl<T: never> BrokenCanFireClose for T {}
            #[diagnostic::on_unimplemented(
                message = "event `lock` cannot fire in state `Broken`",
                label = "`Door<Broken>` has no transition `lock`",
                note = "`Broken` is final: no event leaves it",
                note = "`lock` fires from: `Closed`",
            )]
            pub trait BrokenCanFireLock: never {}
            #[diagnostic::do_not_recommend]
            impl<T: never> BrokenCanFireLock for T {}
            #[diagnostic::on_unimplemented(
                message = "event `unlock` cannot fire in state `Broken`",
                label = "`Door<Broken>` has no transition `unlock`",
                note = "`Broken` is final: no event leaves it",
                note = "`unlock` fires from: `Locked`",
            )]
            pub trait BrokenCanFireUnlock: never {}
            #[diagnostic::do_not_recommend]
            impl<T: never> BrokenCanFireUnlock for T {}
            #[diagnostic::on_unimplemented(
                message = "event `smash` cannot fire in state `Broken`",
                label = "`Door<Broken>` has no transition `smash`",
                note = "`Broken` is final: no event leaves it",
                note = "`smash` fires from: `Closed`, `Locked`",
            )]
            pub trait BrokenCanFireSmash: never {}
            #[diagnostic::do_not_recommend]
            impl<T: never> BrokenCanFireSmash for T {}
            #[diagnostic::on_unimplemented(
                message = "event `autoclose` cannot fire in state `Broken`",
                label = "`Door<Broken>` has no transition `autoclose`",
                note = "`Broken` is final: no event leaves it",
                note = "`autoclose` fires from: `Open`",
            )]
            pub trait BrokenCanFireAutoclose: never {}
            #[diagnostic::do_not_recommend]
            impl<T: never> BrokenCanFireAutoclose for T {}
        }
    }
}
impl __sf_door::DoorStartsIn<Closed> for DoorState {
    fn initial() -> Closed {
        Closed
    }
}
#[diagnostic::do_not_recommend]
impl __sf_door::StateOfDoor for Closed {
    type Machine = AnyDoor;
    type Context = u32;
    fn restore_any(context: u32, state: Closed) -> AnyDoor {
        AnyDoor::Closed(Door { context, state })
    }
}
#[diagnostic::do_not_recommend]
impl __sf_door::StateOfDoor for Open {
    type Machine = AnyDoor;
    type Context = u32;
    fn restore_any(context: u32, state: Open) -> AnyDoor {
        AnyDoor::Open(Door { context, state })
    }
}
#[diagnostic::do_not_recommend]
impl __sf_door::StateOfDoor for Locked {
    type Machine = AnyDoor;
    type Context = u32;
    fn restore_any(context: u32, state: Locked) -> AnyDoor {
        AnyDoor::Locked(Door { context, state })
    }
}
#[diagnostic::do_not_recommend]
impl __sf_door::StateOfDoor for Broken {
    type Machine = AnyDoor;
    type Context = u32;
    fn restore_any(context: u32, state: Broken) -> AnyDoor {
        AnyDoor::Broken(Door { context, state })
    }
}
///The states of [`Door`], by name.
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
pub enum DoorState {
    ///`closed`
    Closed,
    ///`open`
    Open,
    ///`locked`
    Locked,
    ///`broken`
    Broken,
}
impl DoorState {
    /// Every state, in declaration order.
    pub const ALL: [DoorState; 4usize] = [
        DoorState::Closed,
        DoorState::Open,
        DoorState::Locked,
        DoorState::Broken,
    ];
    /// The initial state.
    pub const INITIAL: DoorState = DoorState::Closed;
    /// The state's stored name (`in_progress` for `InProgress`).
    pub const fn as_str(self) -> &'static str {
        match self {
            DoorState::Closed => "closed",
            DoorState::Open => "open",
            DoorState::Locked => "locked",
            DoorState::Broken => "broken",
        }
    }
    /// Whether the state is final: no event leaves it.
    pub const fn is_final(self) -> bool {
        match self {
            DoorState::Closed => false,
            DoorState::Open => false,
            DoorState::Locked => false,
            DoorState::Broken => true,
        }
    }
}
impl ::core::fmt::Display for DoorState {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        f.write_str(self.as_str())
    }
}
impl ::core::str::FromStr for DoorState {
    type Err = ::stateforge::__private::core::ParseStateError;
    fn from_str(s: &str) -> ::core::result::Result<Self, Self::Err> {
        match s {
            "closed" => ::core::result::Result::Ok(DoorState::Closed),
            "open" => ::core::result::Result::Ok(DoorState::Open),
            "locked" => ::core::result::Result::Ok(DoorState::Locked),
            "broken" => ::core::result::Result::Ok(DoorState::Broken),
            _ => {
                ::core::result::Result::Err(::stateforge::__private::core::ParseStateError {
                    machine: "door",
                    name: ::std::string::ToString::to_string(s),
                })
            }
        }
    }
}
///The events of [`Door`], with their arguments.
#[derive(Debug, Clone)]
#[allow(dead_code)]
pub enum DoorEvent {
    ///Event `open`.
    Open,
    ///Event `close`.
    Close,
    ///Event `lock`.
    Lock {
        ///Argument `code` of `lock`.
        code: u16,
    },
    ///Event `unlock`.
    Unlock {
        ///Argument `code` of `unlock`.
        code: u16,
    },
    ///Event `smash`.
    Smash,
    ///Event `autoclose`.
    Autoclose,
}
impl DoorEvent {
    /// The event's name.
    pub fn name(&self) -> &'static str {
        match *self {
            DoorEvent::Open => "open",
            DoorEvent::Close => "close",
            DoorEvent::Lock { .. } => "lock",
            DoorEvent::Unlock { .. } => "unlock",
            DoorEvent::Smash => "smash",
            DoorEvent::Autoclose => "autoclose",
        }
    }
}
impl ::stateforge::__private::core::Event for DoorEvent {
    fn id(&self) -> ::stateforge::__private::core::EventId {
        match *self {
            DoorEvent::Open => ::stateforge::__private::core::EventId::__from_index(0u32),
            DoorEvent::Close => {
                ::stateforge::__private::core::EventId::__from_index(1u32)
            }
            DoorEvent::Lock { .. } => {
                ::stateforge::__private::core::EventId::__from_index(2u32)
            }
            DoorEvent::Unlock { .. } => {
                ::stateforge::__private::core::EventId::__from_index(3u32)
            }
            DoorEvent::Smash => {
                ::stateforge::__private::core::EventId::__from_index(4u32)
            }
            DoorEvent::Autoclose => {
                ::stateforge::__private::core::EventId::__from_index(5u32)
            }
        }
    }
}
///A [`Door`] in whichever state it is: fire events by value, match to get the typed machine back.
#[derive(Debug, Clone)]
pub enum AnyDoor {
    ///In state `closed`.
    Closed(Door<Closed>),
    ///In state `open`.
    Open(Door<Open>),
    ///In state `locked`.
    Locked(Door<Locked>),
    ///In state `broken`.
    Broken(Door<Broken>),
}
impl AnyDoor {
    /// The checked description of this machine, built once.
    pub fn definition() -> &'static ::stateforge::__private::core::Definition {
        static __SF_DEFINITION: ::std::sync::LazyLock<
            ::stateforge::__private::core::Definition,
        > = ::std::sync::LazyLock::new(|| {
            ::stateforge::__private::core::Definition::__compiled(
                "door",
                "initial closed, open, locked, final broken",
                "open: closed -> open; close: open -> closed; lock: closed -> locked; unlock: locked -> closed if code_matches => count_unlock; smash: closed | locked -> broken; autoclose: open -> closed",
                "open autoclose 30000",
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
        ::stateforge::__private::core::WrongState::new(self, "door", expected, found)
    }
    /// The refusal of `event`, which no transition takes out of the
    /// current state.
    #[inline(always)]
    fn __sf_no_transition(
        self,
        event: DoorEvent,
        name: &'static str,
    ) -> ::stateforge::__private::core::NotAllowed<Self, DoorEvent> {
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
    pub fn state(&self) -> DoorState {
        match self {
            AnyDoor::Closed(_) => DoorState::Closed,
            AnyDoor::Open(_) => DoorState::Open,
            AnyDoor::Locked(_) => DoorState::Locked,
            AnyDoor::Broken(_) => DoorState::Broken,
        }
    }
    /// Whether the current state is final.
    pub fn is_final(&self) -> bool {
        self.state().is_final()
    }
    /**Rebuilds a machine in the state of `state`, from `context` and that state's data (read from storage, say); no guard and no action runs.

The state's type says which state: `S` is one of the state types (`Locked`, ...), so a wrong pairing does not compile. This is `AnyDoor::from(Door::<S>::restore(..))` in one call; a state known only at run time, as a name, goes through the JSON impls instead.

```ignore
let any = AnyDoor::restore(context, Locked { code: todo!() });
assert_eq!(any.state(), DoorState::Locked);
```*/
    pub fn restore<S>(context: u32, state: S) -> Self
    where
        S: __sf_door::StateOfDoor<Machine = Self, Context = u32>,
    {
        S::restore_any(context, state)
    }
    /**The names of the events declared out of the current state, in declaration order (guards not consulted: see [`Self::can_fire`]). The same list as `Machine::allowed_events`.

```ignore
let any = AnyDoor::from(Door::new(context));
assert_eq!(any.allowed_events(), ["open", "lock", "smash"]);
```*/
    pub fn allowed_events(&self) -> &'static [&'static str] {
        match self {
            AnyDoor::Closed(_) => &["open", "lock", "smash"],
            AnyDoor::Open(_) => &["close", "autoclose"],
            AnyDoor::Locked(_) => &["unlock", "smash"],
            AnyDoor::Broken(_) => &[],
        }
    }
    /**The states one event leads to from the current state, each once, in declaration order (guards not consulted); the current state itself when an event leads back to it.

```ignore
let any = AnyDoor::from(Door::new(context));
assert_eq!(any.next_states(), [DoorState::Open, DoorState::Locked, DoorState::Broken]);
```*/
    pub fn next_states(&self) -> &'static [DoorState] {
        match self {
            AnyDoor::Closed(_) => {
                &[DoorState::Open, DoorState::Locked, DoorState::Broken]
            }
            AnyDoor::Open(_) => &[DoorState::Closed],
            AnyDoor::Locked(_) => &[DoorState::Closed, DoorState::Broken],
            AnyDoor::Broken(_) => &[],
        }
    }
    /**Whether one event leads from the current state to `state`: [`Self::next_states`] contains it.

```ignore
let any = AnyDoor::from(Door::new(context));
assert_eq!(any.can_transition_to(DoorState::Open), true);
```*/
    pub fn can_transition_to(&self, state: DoorState) -> bool {
        self.next_states().contains(&state)
    }
    /// Whether `event` would be accepted now, its guard consulted.
    #[inline]
    pub fn can_fire(&self, event: &DoorEvent) -> bool {
        #[allow(unreachable_patterns)]
        match (self, event) {
            (AnyDoor::Closed(_), DoorEvent::Open) => true,
            (AnyDoor::Open(_), DoorEvent::Close) => true,
            (AnyDoor::Closed(_), DoorEvent::Lock { .. }) => true,
            (AnyDoor::Locked(__sf_m), DoorEvent::Unlock { code }) => {
                __sf_m.__sf_guard_unlock(code)
            }
            (AnyDoor::Closed(_) | AnyDoor::Locked(_), DoorEvent::Smash) => true,
            (AnyDoor::Open(_), DoorEvent::Autoclose) => true,
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
        event: DoorEvent,
    ) -> ::core::result::Result<
        AnyDoor,
        ::stateforge::__private::core::NotAllowed<AnyDoor, DoorEvent>,
    > {
        use ::core::result::Result::{Err, Ok};
        #[allow(unreachable_patterns)]
        match event {
            DoorEvent::Open => {
                match self {
                    AnyDoor::Closed(__sf_m) => Ok(AnyDoor::Open(__sf_m.open())),
                    __sf_machine => {
                        Err(__sf_machine.__sf_no_transition(DoorEvent::Open, "open"))
                    }
                }
            }
            DoorEvent::Close => {
                match self {
                    AnyDoor::Open(__sf_m) => Ok(AnyDoor::Closed(__sf_m.close())),
                    __sf_machine => {
                        Err(__sf_machine.__sf_no_transition(DoorEvent::Close, "close"))
                    }
                }
            }
            DoorEvent::Lock { code } => {
                match self {
                    AnyDoor::Closed(__sf_m) => Ok(AnyDoor::Locked(__sf_m.lock(code))),
                    __sf_machine => {
                        Err(
                            __sf_machine
                                .__sf_no_transition(DoorEvent::Lock { code }, "lock"),
                        )
                    }
                }
            }
            DoorEvent::Unlock { code } => {
                match self {
                    AnyDoor::Locked(__sf_m) => {
                        match __sf_m.unlock(code) {
                            Ok(__sf_next) => Ok(AnyDoor::Closed(__sf_next)),
                            Err(__sf_rejected) => {
                                let (code,) = __sf_rejected.args;
                                Err(
                                    ::stateforge::__private::core::NotAllowed::new(
                                        AnyDoor::Locked(__sf_rejected.machine),
                                        DoorEvent::Unlock { code },
                                        "locked",
                                        "unlock",
                                        ::stateforge::__private::core::Refusal::Guard(
                                            "code_matches",
                                        ),
                                    ),
                                )
                            }
                        }
                    }
                    __sf_machine => {
                        Err(
                            __sf_machine
                                .__sf_no_transition(DoorEvent::Unlock { code }, "unlock"),
                        )
                    }
                }
            }
            DoorEvent::Smash => {
                match self {
                    AnyDoor::Closed(__sf_m) => Ok(AnyDoor::Broken(__sf_m.smash())),
                    AnyDoor::Locked(__sf_m) => Ok(AnyDoor::Broken(__sf_m.smash())),
                    __sf_machine => {
                        Err(__sf_machine.__sf_no_transition(DoorEvent::Smash, "smash"))
                    }
                }
            }
            DoorEvent::Autoclose => {
                match self {
                    AnyDoor::Open(__sf_m) => Ok(AnyDoor::Closed(__sf_m.autoclose())),
                    __sf_machine => {
                        Err(
                            __sf_machine
                                .__sf_no_transition(DoorEvent::Autoclose, "autoclose"),
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
        event: DoorEvent,
        refusal: ::stateforge::__private::core::Refusal,
    ) -> ::stateforge::__private::core::NotAllowed<(), DoorEvent> {
        let state = self.state().as_str();
        let name = DoorEvent::name(&event);
        ::stateforge::__private::core::NotAllowed::new((), event, state, name, refusal)
    }
    /**Fires `event` on the machine where it is (a field of a struct, an element of a collection), which is left in the state reached: [`AnyDoor::fire`] without taking the machine out and putting it back.

The guard and the action run on the machine in place, by reference, before the state changes: a refused event changes nothing, and a guard or an action that panics leaves the machine whole, in its state, with the context as the action left it. The fields of the old state that the new one does not take are dropped once the machine is back in its place.

```ignore
let mut any = AnyDoor::from(machine);
any.fire_in_place(event)?;
```

# Errors

A `NotAllowed` holding the event, naming the state, the event and, for a guard, the guard; its `machine` is `()`: the machine stayed where it was, unchanged.*/
    #[inline]
    pub fn fire_in_place(
        &mut self,
        event: DoorEvent,
    ) -> ::core::result::Result<
        (),
        ::stateforge::__private::core::NotAllowed<(), DoorEvent>,
    > {
        use ::core::result::Result::{Err, Ok};
        #[allow(unreachable_patterns)]
        let __sf_chosen: ::core::result::Result<
            u32,
            ::stateforge::__private::core::Refusal,
        > = match (&event, &mut *self) {
            (DoorEvent::Open, AnyDoor::Closed(__sf_m)) => Ok(0),
            (DoorEvent::Close, AnyDoor::Open(__sf_m)) => Ok(1),
            (DoorEvent::Lock { .. }, AnyDoor::Closed(__sf_m)) => Ok(2),
            (DoorEvent::Unlock { code }, AnyDoor::Locked(__sf_m)) => {
                if __sf_m.__sf_guard_unlock(code) {
                    __sf_m.__sf_action_unlock(code);
                    Ok(3)
                } else {
                    Err(::stateforge::__private::core::Refusal::Guard("code_matches"))
                }
            }
            (DoorEvent::Smash, AnyDoor::Closed(__sf_m)) => Ok(4),
            (DoorEvent::Smash, AnyDoor::Locked(__sf_m)) => Ok(5),
            (DoorEvent::Autoclose, AnyDoor::Open(__sf_m)) => Ok(6),
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
            Closed(Closed),
            Open(Open),
            __Sf3((Locked, u16)),
            Locked(Locked),
        }
        let mut __sf_left = __SfLeft::__SfNothing;
        match __sf_k {
            1 | 3 | 6 => {
                ::stateforge::__private::core::__move_through(
                    self,
                    |__sf_any| match (__sf_k, __sf_any, event) {
                        (1, AnyDoor::Open(__sf_m), _) => {
                            __sf_left = __SfLeft::Open(__sf_m.state);
                            AnyDoor::Closed(Door {
                                context: __sf_m.context,
                                state: Closed,
                            })
                        }
                        (3, AnyDoor::Locked(__sf_m), DoorEvent::Unlock { code }) => {
                            __sf_left = __SfLeft::__Sf3((__sf_m.state, code));
                            AnyDoor::Closed(Door {
                                context: __sf_m.context,
                                state: Closed,
                            })
                        }
                        (6, AnyDoor::Open(__sf_m), _) => {
                            __sf_left = __SfLeft::Open(__sf_m.state);
                            AnyDoor::Closed(Door {
                                context: __sf_m.context,
                                state: Closed,
                            })
                        }
                        (_, __sf_other, _) => __sf_other,
                    },
                );
            }
            0 => {
                ::stateforge::__private::core::__move_through(
                    self,
                    |__sf_any| match (__sf_k, __sf_any, event) {
                        (0, AnyDoor::Closed(__sf_m), _) => {
                            __sf_left = __SfLeft::Closed(__sf_m.state);
                            AnyDoor::Open(Door {
                                context: __sf_m.context,
                                state: Open,
                            })
                        }
                        (_, __sf_other, _) => __sf_other,
                    },
                );
            }
            2 => {
                ::stateforge::__private::core::__move_through(
                    self,
                    |__sf_any| match (__sf_k, __sf_any, event) {
                        (2, AnyDoor::Closed(__sf_m), DoorEvent::Lock { code }) => {
                            __sf_left = __SfLeft::Closed(__sf_m.state);
                            AnyDoor::Locked(Door {
                                context: __sf_m.context,
                                state: Locked { code: code },
                            })
                        }
                        (_, __sf_other, _) => __sf_other,
                    },
                );
            }
            4 | 5 => {
                ::stateforge::__private::core::__move_through(
                    self,
                    |__sf_any| match (__sf_k, __sf_any, event) {
                        (4, AnyDoor::Closed(__sf_m), _) => {
                            __sf_left = __SfLeft::Closed(__sf_m.state);
                            AnyDoor::Broken(Door {
                                context: __sf_m.context,
                                state: Broken,
                            })
                        }
                        (5, AnyDoor::Locked(__sf_m), _) => {
                            __sf_left = __SfLeft::Locked(__sf_m.state);
                            AnyDoor::Broken(Door {
                                context: __sf_m.context,
                                state: Broken,
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
            AnyDoor::Closed(m) => m.context(),
            AnyDoor::Open(m) => m.context(),
            AnyDoor::Locked(m) => m.context(),
            AnyDoor::Broken(m) => m.context(),
        }
    }
    /// The context, to change; the state stays as it is.
    pub fn context_mut(&mut self) -> &mut u32 {
        match self {
            AnyDoor::Closed(m) => m.context_mut(),
            AnyDoor::Open(m) => m.context_mut(),
            AnyDoor::Locked(m) => m.context_mut(),
            AnyDoor::Broken(m) => m.context_mut(),
        }
    }
}
impl ::stateforge::__private::core::Machine for AnyDoor {
    type Context = u32;
    type Event = DoorEvent;
    fn definition() -> &'static ::stateforge::__private::core::Definition {
        AnyDoor::definition()
    }
    fn state_id(&self) -> ::stateforge::__private::core::StateId {
        match self {
            AnyDoor::Closed(_) => {
                ::stateforge::__private::core::StateId::__from_index(0u32)
            }
            AnyDoor::Open(_) => {
                ::stateforge::__private::core::StateId::__from_index(1u32)
            }
            AnyDoor::Locked(_) => {
                ::stateforge::__private::core::StateId::__from_index(2u32)
            }
            AnyDoor::Broken(_) => {
                ::stateforge::__private::core::StateId::__from_index(3u32)
            }
        }
    }
    fn context(&self) -> &u32 {
        AnyDoor::context(self)
    }
    fn can_fire(&self, event: &DoorEvent) -> bool {
        AnyDoor::can_fire(self, event)
    }
    fn allowed_events(&self) -> &'static [&'static str] {
        AnyDoor::allowed_events(self)
    }
    fn fire(
        self,
        event: DoorEvent,
    ) -> ::core::result::Result<
        Self,
        ::stateforge::__private::core::NotAllowed<Self, DoorEvent>,
    > {
        AnyDoor::fire(self, event)
    }
    fn fire_in_place(
        &mut self,
        event: DoorEvent,
    ) -> ::core::result::Result<
        (),
        ::stateforge::__private::core::NotAllowed<(), DoorEvent>,
    > {
        AnyDoor::fire_in_place(self, event)
    }
}
impl ::core::convert::From<Door<Closed>> for AnyDoor {
    fn from(machine: Door<Closed>) -> Self {
        AnyDoor::Closed(machine)
    }
}
impl ::core::convert::TryFrom<AnyDoor> for Door<Closed> {
    type Error = ::stateforge::__private::core::WrongState<AnyDoor>;
    fn try_from(any: AnyDoor) -> ::core::result::Result<Self, Self::Error> {
        #[allow(unreachable_patterns)]
        match any {
            AnyDoor::Closed(machine) => ::core::result::Result::Ok(machine),
            other => ::core::result::Result::Err(other.__sf_wrong_state("closed")),
        }
    }
}
impl ::core::convert::From<Door<Open>> for AnyDoor {
    fn from(machine: Door<Open>) -> Self {
        AnyDoor::Open(machine)
    }
}
impl ::core::convert::TryFrom<AnyDoor> for Door<Open> {
    type Error = ::stateforge::__private::core::WrongState<AnyDoor>;
    fn try_from(any: AnyDoor) -> ::core::result::Result<Self, Self::Error> {
        #[allow(unreachable_patterns)]
        match any {
            AnyDoor::Open(machine) => ::core::result::Result::Ok(machine),
            other => ::core::result::Result::Err(other.__sf_wrong_state("open")),
        }
    }
}
impl ::core::convert::From<Door<Locked>> for AnyDoor {
    fn from(machine: Door<Locked>) -> Self {
        AnyDoor::Locked(machine)
    }
}
impl ::core::convert::TryFrom<AnyDoor> for Door<Locked> {
    type Error = ::stateforge::__private::core::WrongState<AnyDoor>;
    fn try_from(any: AnyDoor) -> ::core::result::Result<Self, Self::Error> {
        #[allow(unreachable_patterns)]
        match any {
            AnyDoor::Locked(machine) => ::core::result::Result::Ok(machine),
            other => ::core::result::Result::Err(other.__sf_wrong_state("locked")),
        }
    }
}
impl ::core::convert::From<Door<Broken>> for AnyDoor {
    fn from(machine: Door<Broken>) -> Self {
        AnyDoor::Broken(machine)
    }
}
impl ::core::convert::TryFrom<AnyDoor> for Door<Broken> {
    type Error = ::stateforge::__private::core::WrongState<AnyDoor>;
    fn try_from(any: AnyDoor) -> ::core::result::Result<Self, Self::Error> {
        #[allow(unreachable_patterns)]
        match any {
            AnyDoor::Broken(machine) => ::core::result::Result::Ok(machine),
            other => ::core::result::Result::Err(other.__sf_wrong_state("broken")),
        }
    }
}
