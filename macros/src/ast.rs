//! The syntax of a `state_machine!` declaration, as written: no meaning yet.
//!
//! ```text
//! Input   := CratePath ';' Machine            (CratePath is passed by the facade's macro_rules)
//! Machine := Attr* Vis 'machine' Ident '{' Item* '}'
//! Item    := 'context' ':' Type ';'
//!          | State
//!          | Attr* 'event' Ident ('(' Field,* ')')? ':' Arm (',' Arm)* ','? ';'
//!          | Doc* 'removed' 'state' Ident '->' Ident ('with' Path)? ';'
//! State   := Attr* Modifier* 'state' Ident Past? StateEnd
//!          | Attr* 'history'? 'region' Ident '{' State* '}' (';'? | Hook+ ';')
//! StateEnd:= ';' | '{' Body '}' ';'? | ('{' Body '}')? Hook+ ';'
//! Hook    := ('entry' | 'exit') Path                (each at most once, in any order)
//! Modifier:= 'initial' | 'final' | 'history' | 'parallel'
//! Body    := (Field (',' Field)* ','?)? State*      (a field starts `ident :`,
//!                                                    a state with a keyword)
//! Past    := '(' ('was' Ident ('|' Ident)*)? ('with' Path)? ')'   (not empty)
//! Arm     := Source ('|' Source)* '->' Ident ('if' Path)? ('=>' Path)? ('after' Duration)?
//! Source  := Ident | 'done' '(' Ident ')'
//! Duration:= an integer literal with suffix ms, s, min or h: 500ms, 30s, 5min, 2h
//! ```

use proc_macro2::TokenStream;
use syn::{Attribute, Ident, LitInt, Path, Type, Visibility};

/// The whole macro input.
pub(crate) struct Input {
    /// The path to the `stateforge` facade (`$crate` when called through it).
    pub(crate) krate: TokenStream,
    /// The machine declaration.
    pub(crate) machine: MachineDecl,
}

/// `pub machine Task { ... }` with its attributes.
pub(crate) struct MachineDecl {
    /// Outer attributes, doc comments included.
    pub(crate) attrs: Vec<Attribute>,
    /// Visibility of every generated item.
    pub(crate) vis: Visibility,
    /// The `machine` keyword, for errors about the machine as a whole.
    pub(crate) machine_token: Ident,
    /// The machine's name (`Task`).
    pub(crate) name: Ident,
    /// The items inside the braces, in order.
    pub(crate) items: Vec<Item>,
}

/// One item inside a machine's braces.
pub(crate) enum Item {
    /// `context: Type;`
    Context(Box<ContextDecl>),
    /// `initial state Pending;`
    State(Box<StateDecl>),
    /// `event assign(agent: String): Pending -> Assigned;`
    Event(EventDecl),
    /// `removed state Escalated -> Failed;`
    Removed(RemovedDecl),
}

/// `removed state Escalated -> Failed with escalation_as_failure;`: a
/// state of an older definition that is gone, and where its rows go.
pub(crate) struct RemovedDecl {
    /// The state gone.
    pub(crate) name: Ident,
    /// The state its rows go to.
    pub(crate) target: Ident,
    /// The function making their data in `target` from the old, if any.
    pub(crate) with: Option<Path>,
}

/// `context: Type;`
pub(crate) struct ContextDecl {
    /// The `context` keyword.
    pub(crate) keyword: Ident,
    /// The context type.
    pub(crate) ty: Type,
}

/// `initial state Pending;` or `state Assigned { agent: String }`.
pub(crate) struct StateDecl {
    /// Outer attributes, doc comments included.
    pub(crate) attrs: Vec<Attribute>,
    /// The `initial` modifier, if written.
    pub(crate) initial: Option<Ident>,
    /// The `final` modifier, if written.
    pub(crate) final_: Option<Ident>,
    /// The `history` modifier, if written: re-entry resumes the child
    /// last active.
    pub(crate) history: Option<Ident>,
    /// The `parallel` modifier, if written: its children are regions,
    /// all active at once.
    pub(crate) parallel: Option<Ident>,
    /// The `region` keyword, when the state was written `region Name { ... }`.
    pub(crate) region: Option<Ident>,
    /// The state's type name.
    pub(crate) name: Ident,
    /// `(was InProgress | Started)`: the names it had in older definitions.
    pub(crate) was: Vec<Ident>,
    /// `(with path)`: the function making its data from an older
    /// definition's (from a `was` state's, when there is one).
    pub(crate) with: Option<Path>,
    /// Named fields; empty for a unit state.
    pub(crate) fields: Vec<FieldDecl>,
    /// The states written inside its braces, as parsed; `check` moves
    /// them into the machine's flat list, in declaration order, each
    /// naming its parent.
    pub(crate) children: Vec<StateDecl>,
    /// Whether states are written inside it (compound, a region, or
    /// parallel): kept when `children` is moved out.
    pub(crate) has_children: bool,
    /// The state it is written in, set when the tree is flattened.
    pub(crate) parent: Option<Ident>,
    /// `entry path`: the action run by every transition into the state.
    pub(crate) entry: Option<Path>,
    /// `exit path`: the action run by every transition out of the state.
    pub(crate) exit: Option<Path>,
}

/// `name: Type`, in a state's braces or an event's parentheses.
#[derive(Clone)]
pub(crate) struct FieldDecl {
    /// Outer attributes (doc comments).
    pub(crate) attrs: Vec<Attribute>,
    /// The field's name.
    pub(crate) name: Ident,
    /// The field's type.
    pub(crate) ty: Type,
}

/// `event fail(reason: String): Assigned | InProgress -> Failed;`
pub(crate) struct EventDecl {
    /// Outer attributes, doc comments included.
    pub(crate) attrs: Vec<Attribute>,
    /// The event's name, also its method name.
    pub(crate) name: Ident,
    /// The event's arguments.
    pub(crate) args: Vec<FieldDecl>,
    /// Its arms, in order.
    pub(crate) arms: Vec<ArmDecl>,
}

/// `Assigned | InProgress -> Failed if guard => action after 30s`
pub(crate) struct ArmDecl {
    /// The source states.
    pub(crate) sources: Vec<SourceDecl>,
    /// The target state.
    pub(crate) target: Ident,
    /// The guard, if any.
    pub(crate) guard: Option<Path>,
    /// The action, if any.
    pub(crate) action: Option<Path>,
    /// The timer delay, if any.
    pub(crate) after: Option<LitInt>,
}

/// One source of an arm: a state, or `done(Building)`, the configurations
/// of parallel state `Building` where every region is in a final state.
pub(crate) struct SourceDecl {
    /// The state named.
    pub(crate) name: Ident,
    /// The `done` keyword, when written `done(Name)`.
    pub(crate) done: Option<Ident>,
}

impl SourceDecl {
    /// The source as the spec writes it: `Name` or `done(Name)`.
    pub(crate) fn spec_text(&self) -> String {
        match self.done {
            None => self.name.to_string(),
            Some(_) => format!("done({})", self.name),
        }
    }
}
