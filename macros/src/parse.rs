//! `impl Parse` for each node of [`crate::ast`]; the grammar is in that
//! module's documentation.

use proc_macro2::TokenStream;
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Attribute, Ident, Path, Token, Visibility, braced, parenthesized};

use crate::ast::{
    ArmDecl, ContextDecl, EventDecl, FieldDecl, Input, Item, MachineDecl, RemovedDecl, SourceDecl,
    StateDecl,
};

mod kw {
    syn::custom_keyword!(machine);
    syn::custom_keyword!(context);
    syn::custom_keyword!(initial);
    syn::custom_keyword!(state);
    syn::custom_keyword!(event);
    syn::custom_keyword!(after);
    syn::custom_keyword!(removed);
    syn::custom_keyword!(was);
    syn::custom_keyword!(with);
    syn::custom_keyword!(history);
    syn::custom_keyword!(parallel);
    syn::custom_keyword!(region);
    syn::custom_keyword!(done);
    syn::custom_keyword!(entry);
    syn::custom_keyword!(exit);
}

impl Parse for Input {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        // The facade passes `$crate;` first; everything up to the first
        // top-level `;` is the path to the facade.
        let mut krate = TokenStream::new();
        while !input.peek(Token![;]) {
            let tt: proc_macro2::TokenTree = input.parse()?;
            krate.extend([tt]);
        }
        let semi = input.parse::<Token![;]>()?;
        // Only the facade writes this part (`$crate`), but the hidden entry
        // point can be called by hand: a path is checked, never pasted.
        if let Err(e) = syn::parse::Parser::parse2(syn::Path::parse_mod_style, krate.clone()) {
            let span = krate
                .clone()
                .into_iter()
                .next()
                .map_or(semi.span, |t| t.span());
            return Err(syn::Error::new(
                span,
                format!(
                    "expected the path to the `stateforge` crate before `;`, as `state_machine!` passes it: {e}"
                ),
            ));
        }
        let machine = input.parse()?;
        Ok(Input { krate, machine })
    }
}

impl Parse for MachineDecl {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis: Visibility = input.parse()?;
        let lookahead = input.lookahead1();
        if !lookahead.peek(kw::machine) {
            return Err(lookahead.error());
        }
        let machine_kw: kw::machine = input.parse()?;
        let machine_token = Ident::new("machine", machine_kw.span);
        let name: Ident = input.parse()?;
        if input.peek(Token![<]) {
            return Err(input.error(format!(
                "a machine takes no type parameters; name a concrete context type instead, as in `context: {name}Data;`"
            )));
        }
        let body;
        braced!(body in input);
        let mut items = Vec::new();
        while !body.is_empty() {
            items.push(body.parse()?);
        }
        if !input.is_empty() {
            return Err(input.error(
                "unexpected tokens after the machine; declare one machine per `state_machine!`",
            ));
        }
        Ok(MachineDecl {
            attrs,
            vis,
            machine_token,
            name,
            items,
        })
    }
}

impl Parse for Item {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let lookahead = input.lookahead1();
        if lookahead.peek(kw::context) && input.peek2(Token![:]) {
            let keyword = Ident::new("context", input.parse::<kw::context>()?.span);
            if let Some(attr) = attrs.first() {
                return Err(syn::Error::new_spanned(
                    attr,
                    "attributes are not allowed on `context`; document the context type where it is declared",
                ));
            }
            input.parse::<Token![:]>()?;
            let ty = input.parse()?;
            input.parse::<Token![;]>()?;
            Ok(Item::Context(Box::new(ContextDecl { keyword, ty })))
        } else if lookahead.peek(kw::initial)
            || lookahead.peek(Token![final])
            || lookahead.peek(kw::history)
            || lookahead.peek(kw::parallel)
            || lookahead.peek(kw::state)
            || lookahead.peek(kw::region)
        {
            parse_state(input, attrs).map(|s| Item::State(Box::new(s)))
        } else if lookahead.peek(kw::event) {
            parse_event(input, attrs).map(Item::Event)
        } else if lookahead.peek(kw::removed) {
            parse_removed(input, &attrs).map(Item::Removed)
        } else if input.peek(kw::entry) || input.peek(kw::exit) {
            Err(input.error(
                "an entry or exit action belongs to a state: write it in the state's declaration, before its `;`, as in `state Open entry start_timer exit stop_timer;`",
            ))
        } else if input.peek(kw::context) {
            Err(input.error("`context` needs a type: `context: TaskData;`"))
        } else if input.peek(Token![pub]) {
            Err(input.error(
                "states and events take the machine's visibility; remove `pub` here and write it before `machine`",
            ))
        } else if let Some(keyword) = input
            .fork()
            .parse::<Ident>()
            .ok()
            .and_then(|word| misspelled_keyword(&word.to_string()))
        {
            Err(input.error(format!(
                "expected one of: `context`, `initial`, `final`, `state`, `event`, `removed`; did you mean `{keyword}`?"
            )))
        } else {
            Err(lookahead.error())
        }
    }
}

fn parse_state(input: ParseStream<'_>, attrs: Vec<Attribute>) -> syn::Result<StateDecl> {
    let mut initial = None;
    let mut final_ = None;
    let mut history = None;
    let mut parallel = None;
    loop {
        let (slot, word, span) = if input.peek(kw::initial) {
            (&mut initial, "initial", input.parse::<kw::initial>()?.span)
        } else if input.peek(Token![final]) {
            (&mut final_, "final", input.parse::<Token![final]>()?.span)
        } else if input.peek(kw::history) && !input.peek2(Token![:]) {
            (&mut history, "history", input.parse::<kw::history>()?.span)
        } else if input.peek(kw::parallel) && !input.peek2(Token![:]) {
            (
                &mut parallel,
                "parallel",
                input.parse::<kw::parallel>()?.span,
            )
        } else {
            break;
        };
        if slot.is_some() {
            return Err(syn::Error::new(span, format!("`{word}` is written twice")));
        }
        *slot = Some(Ident::new(
            if word == "final" { "final_" } else { word },
            span,
        ));
    }
    if input.peek(kw::region) {
        return parse_region(input, attrs, history, [&initial, &final_, &parallel]);
    }
    let lookahead = input.lookahead1();
    if !lookahead.peek(kw::state) {
        return Err(lookahead.error());
    }
    input.parse::<kw::state>()?;
    let name: Ident = input.parse()?;
    let (was, with) = if input.peek(syn::token::Paren) && past_follows(input) {
        let body;
        let paren = parenthesized!(body in input);
        parse_past(&body, &name, paren.span.join())?
    } else {
        (Vec::new(), None)
    };
    // `entry` and `exit` are peeked outside the lookahead: a state's
    // actions are rare, and "expected `;` or curly braces" says what a
    // declaration missing its end needs.
    let hooks_follow = input.peek(kw::entry) || input.peek(kw::exit);
    let lookahead = input.lookahead1();
    let mut hooks = Hooks::default();
    let (fields, children) = if lookahead.peek(Token![;]) {
        input.parse::<Token![;]>()?;
        (Vec::new(), Vec::new())
    } else if hooks_follow {
        hooks = parse_hooks(input, &name)?;
        (Vec::new(), Vec::new())
    } else if lookahead.peek(syn::token::Brace) {
        let body;
        braced!(body in input);
        let parsed = parse_state_body(&body, &name)?;
        if input.peek(kw::entry) || input.peek(kw::exit) {
            hooks = parse_hooks(input, &name)?;
        } else {
            // A `;` after the braces is accepted, as after a struct.
            let _ = input.parse::<Option<Token![;]>>()?;
        }
        parsed
    } else if input.peek(syn::token::Paren) {
        return Err(input.error(format!(
            "a state's fields are named: write `state {name} {{ value: Type }}`"
        )));
    } else {
        return Err(lookahead.error());
    };
    Ok(StateDecl {
        attrs,
        initial,
        final_,
        history,
        parallel,
        region: None,
        name,
        was,
        with,
        fields,
        has_children: !children.is_empty(),
        children,
        parent: None,
        entry: hooks.entry,
        exit: hooks.exit,
    })
}

/// `region Tests { initial state Running; final state Passed; }`: one
/// region of a parallel state, with `history` if written before `region`;
/// the other `modifiers` must all be absent.
fn parse_region(
    input: ParseStream<'_>,
    attrs: Vec<Attribute>,
    history: Option<Ident>,
    modifiers: [&Option<Ident>; 3],
) -> syn::Result<StateDecl> {
    let keyword = Ident::new("region", input.parse::<kw::region>()?.span);
    if let Some(modifier) = modifiers.into_iter().flatten().next() {
        let word = modifier.to_string();
        let word = word.trim_end_matches('_');
        return Err(syn::Error::new(
            modifier.span(),
            format!(
                "`{word}` cannot mark a region: a parallel state enters all its regions at once; \
                 mark the states inside the region instead"
            ),
        ));
    }
    if !input.peek(Ident) {
        return Err(
            input.error("expected the region's name after `region`, as in `region Tests { ... }`")
        );
    }
    let name: Ident = input.parse()?;
    if !input.peek(syn::token::Brace) {
        return Err(input.error(format!(
            "a region holds states: write `region {name} {{ initial state Running; final state Done; }}`"
        )));
    }
    let body;
    braced!(body in input);
    let (fields, children) = parse_state_body(&body, &name)?;
    if let Some(field) = fields.first() {
        return Err(syn::Error::new(
            field.name.span(),
            format!(
                "region `{name}` holds states, not fields; put `{}` in the states inside it",
                field.name
            ),
        ));
    }
    let hooks = if input.peek(kw::entry) || input.peek(kw::exit) {
        parse_hooks(input, &name)?
    } else {
        let _ = input.parse::<Option<Token![;]>>()?;
        Hooks::default()
    };
    Ok(StateDecl {
        attrs,
        initial: None,
        final_: None,
        history,
        parallel: None,
        region: Some(keyword),
        name,
        was: Vec::new(),
        with: None,
        fields: Vec::new(),
        has_children: !children.is_empty(),
        children,
        parent: None,
        entry: hooks.entry,
        exit: hooks.exit,
    })
}

/// Whether `input` starts a state written inside another (after its
/// attributes): a keyword that is not a field's name (`ident :`).
fn child_follows(input: ParseStream<'_>) -> bool {
    if input.peek2(Token![:]) && !input.peek2(Token![::]) {
        return false;
    }
    input.peek(kw::initial)
        || input.peek(Token![final])
        || input.peek(kw::history)
        || input.peek(kw::parallel)
        || input.peek(kw::state)
        || input.peek(kw::region)
}

/// What the braces of state `name` hold: its fields (`ident : Type`,
/// separated by `,`), then the states written inside it (each starting
/// with a keyword). The two are told apart by lookahead.
fn parse_state_body(
    body: ParseStream<'_>,
    name: &Ident,
) -> syn::Result<(Vec<FieldDecl>, Vec<StateDecl>)> {
    let mut fields = Vec::new();
    let mut children = Vec::new();
    while !body.is_empty() {
        let attrs = body.call(Attribute::parse_outer)?;
        if child_follows(body) {
            children.push(parse_state(body, attrs)?);
            continue;
        }
        if body.peek(kw::event) || body.peek(kw::context) || body.peek(kw::removed) {
            return Err(body.error(format!(
                "only states are written inside state `{name}`; declare events and the context at the machine's level"
            )));
        }
        if let Some(child) = children.last() {
            let child: &StateDecl = child;
            return Err(body.error(format!(
                "expected a state inside `{name}` after `{}`; fields come first, before the states inside",
                child.name
            )));
        }
        let mut field = body.parse::<FieldDecl>()?;
        let mut all = attrs;
        all.append(&mut field.attrs);
        field.attrs = all;
        fields.push(field);
        if body.peek(Token![,]) {
            body.parse::<Token![,]>()?;
        } else if !body.is_empty() && !body.peek(Token![#]) && !child_follows(body) {
            return Err(body.error(format!(
                "expected `,` after a field of `{name}`, or a state inside it (`state Name;`)"
            )));
        }
    }
    Ok((fields, children))
}

/// A state's `entry` and `exit` actions.
#[derive(Default)]
struct Hooks {
    entry: Option<Path>,
    exit: Option<Path>,
}

/// `entry path exit path;` after state `name`'s braces (or name): each
/// at most once, in either order, then the `;` that ends the declaration.
fn parse_hooks(input: ParseStream<'_>, name: &Ident) -> syn::Result<Hooks> {
    let (mut entry, mut exit) = (None, None);
    loop {
        let (slot, keyword, span) = if input.peek(kw::entry) {
            (&mut entry, "entry", input.parse::<kw::entry>()?.span)
        } else if input.peek(kw::exit) {
            (&mut exit, "exit", input.parse::<kw::exit>()?.span)
        } else {
            break;
        };
        if slot.is_some() {
            return Err(syn::Error::new(
                span,
                format!(
                    "`{keyword}` is written twice for state `{name}`; a state has one {keyword} action: call the others from it"
                ),
            ));
        }
        *slot = Some(function_path(
            input,
            &format!("{keyword} action"),
            keyword,
            if keyword == "entry" {
                "start_timer"
            } else {
                "stop_timer"
            },
        )?);
    }
    if input.peek(syn::token::Brace) {
        return Err(input.error(format!(
            "a state's fields come before its actions: write `state {name} {{ ... }} entry ... exit ...;`"
        )));
    }
    let lookahead = input.lookahead1();
    if !lookahead.peek(Token![;]) {
        if input.peek(Token![=>]) || input.peek(Token![,]) {
            return Err(input.error(format!(
                "a state has one entry and one exit action: write `entry` or `exit` before each, then `;`, as in `state {name} entry start_timer exit stop_timer;`"
            )));
        }
        return Err(lookahead.error());
    }
    input.parse::<Token![;]>()?;
    Ok(Hooks { entry, exit })
}

/// Whether the parentheses after a state's name hold its past (`was`,
/// `with`, or nothing) rather than fields written as a tuple's.
fn past_follows(input: ParseStream<'_>) -> bool {
    let Ok(group) = input.fork().parse::<proc_macro2::Group>() else {
        return false;
    };
    match group.stream().into_iter().next() {
        None => true,
        Some(proc_macro2::TokenTree::Ident(word)) => word == "was" || word == "with",
        Some(_) => false,
    }
}

/// `was A | B with path`, inside the parentheses after state `name`.
fn parse_past(
    body: ParseStream<'_>,
    name: &Ident,
    parens: proc_macro2::Span,
) -> syn::Result<(Vec<Ident>, Option<Path>)> {
    if body.is_empty() {
        return Err(syn::Error::new(
            parens,
            format!(
                "say what `{name}` was: `state {name} (was OldName);`, or how its data changed: `state {name} (with function);`"
            ),
        ));
    }
    let mut was = Vec::new();
    if body.peek(kw::was) {
        body.parse::<kw::was>()?;
        if !body.peek(Ident) || body.peek(kw::with) {
            return Err(body.error(format!(
                "expected the state's former name after `was`, as in `state {name} (was OldName);`"
            )));
        }
        was.push(body.parse::<Ident>()?);
        while body.peek(Token![|]) {
            body.parse::<Token![|]>()?;
            was.push(body.parse::<Ident>()?);
        }
    }
    let with = if body.peek(kw::with) {
        body.parse::<kw::with>()?;
        Some(function_path(
            body,
            "data migration",
            "with",
            "data_from_v1",
        )?)
    } else {
        None
    };
    if !body.is_empty() {
        return Err(body.error(
            "expected `|`, `with` or `)`: a state's past is written `(was OldName | OtherName with function)`",
        ));
    }
    Ok((was, with))
}

/// `removed state Escalated -> Failed (with path)?;`
fn parse_removed(input: ParseStream<'_>, attrs: &[Attribute]) -> syn::Result<RemovedDecl> {
    if let Some(attr) = attrs.iter().find(|a| !a.path().is_ident("doc")) {
        return Err(syn::Error::new_spanned(
            attr,
            "a removed state generates nothing: only doc comments may stand before `removed`",
        ));
    }
    input.parse::<kw::removed>()?;
    let lookahead = input.lookahead1();
    if !lookahead.peek(kw::state) {
        return Err(lookahead.error());
    }
    input.parse::<kw::state>()?;
    let name: Ident = input.parse()?;
    if !input.peek(Token![->]) {
        return Err(syn::Error::new(
            name.span(),
            format!(
                "say where the rows of removed state `{name}` go: `removed state {name} -> OtherState;`"
            ),
        ));
    }
    input.parse::<Token![->]>()?;
    if !input.peek(Ident) {
        return Err(input.error(format!(
            "expected the state the rows of `{name}` go to after `->`"
        )));
    }
    let target: Ident = input.parse()?;
    let with = if input.peek(kw::with) {
        input.parse::<kw::with>()?;
        Some(function_path(
            input,
            "data migration",
            "with",
            "data_from_v1",
        )?)
    } else {
        None
    };
    let lookahead = input.lookahead1();
    if !lookahead.peek(Token![;]) {
        return Err(lookahead.error());
    }
    input.parse::<Token![;]>()?;
    Ok(RemovedDecl { name, target, with })
}

impl Parse for FieldDecl {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let name = input.call(Ident::parse_any)?;
        if name == "self" || name == "Self" || name == "crate" || name == "super" {
            return Err(syn::Error::new(
                name.span(),
                format!("`{name}` cannot name a field; choose another name"),
            ));
        }
        if !input.peek(Token![:]) {
            return Err(syn::Error::new(
                name.span(),
                format!("`{name}` needs a type: `{name}: String`"),
            ));
        }
        input.parse::<Token![:]>()?;
        let ty = input.parse()?;
        Ok(FieldDecl { attrs, name, ty })
    }
}

fn parse_event(input: ParseStream<'_>, attrs: Vec<Attribute>) -> syn::Result<EventDecl> {
    input.parse::<kw::event>()?;
    let name: Ident = input.parse()?;
    let args = if input.peek(syn::token::Paren) {
        let body;
        parenthesized!(body in input);
        Punctuated::<FieldDecl, Token![,]>::parse_terminated(&body)?
            .into_iter()
            .collect()
    } else {
        Vec::new()
    };
    let lookahead = input.lookahead1();
    if !lookahead.peek(Token![:]) {
        return Err(lookahead.error());
    }
    input.parse::<Token![:]>()?;
    if input.peek(Token![;]) {
        return Err(input.error(format!(
            "event `{name}` has no transition; write one, as in `event {name}: Pending -> Done;`"
        )));
    }
    let mut arms = vec![input.parse::<ArmDecl>()?];
    while input.peek(Token![,]) {
        input.parse::<Token![,]>()?;
        if input.peek(Token![;]) {
            break;
        }
        arms.push(input.parse()?);
    }
    let lookahead = input.lookahead1();
    if !lookahead.peek(Token![;]) {
        return Err(lookahead.error());
    }
    input.parse::<Token![;]>()?;
    Ok(EventDecl {
        attrs,
        name,
        args,
        arms,
    })
}

impl Parse for ArmDecl {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut sources = vec![input.parse::<SourceDecl>()?];
        while input.peek(Token![|]) {
            input.parse::<Token![|]>()?;
            sources.push(input.parse()?);
        }
        let lookahead = input.lookahead1();
        if !lookahead.peek(Token![->]) {
            let last = &sources[sources.len() - 1].spec_text();
            if input.peek(Token![=>]) {
                return Err(input.error(
                    "write the arrow of a transition as `->`; `=>` names an action after the target",
                ));
            }
            if input.peek(Token![,]) {
                return Err(input.error(format!(
                    "expected `->` after `{last}`; join several sources with `|`, as in `{last} | Other -> Target` (`,` separates transitions)"
                )));
            }
            return Err(lookahead.error());
        }
        input.parse::<Token![->]>()?;
        if !input.peek(Ident) {
            return Err(input.error("expected the target state after `->`"));
        }
        if input.peek(kw::done) && input.peek2(syn::token::Paren) {
            return Err(input.error(
                "`done(...)` is a source only: it says when a transition may leave a parallel state; name the state to go to after `->`",
            ));
        }
        let target: Ident = input.parse()?;
        let guard = if input.peek(Token![if]) {
            input.parse::<Token![if]>()?;
            Some(function_path(input, "guard", "if", "can_retry")?)
        } else {
            None
        };
        let action = if input.peek(Token![=>]) {
            input.parse::<Token![=>]>()?;
            Some(function_path(input, "action", "=>", "record")?)
        } else {
            None
        };
        let after = if input.peek(kw::after) {
            input.parse::<kw::after>()?;
            if !input.peek(syn::LitInt) {
                return Err(input.error(
                    "a timer's delay is a whole number with a unit: `after 30s`, `after 1500ms`",
                ));
            }
            Some(input.parse()?)
        } else {
            None
        };
        if input.peek(kw::entry) || input.peek(kw::exit) {
            return Err(input.error(format!(
                "entry and exit actions belong to a state, not to a transition: write them in the state's declaration, as in `state {target} entry start_timer;`; a transition's own action is `=> action`"
            )));
        }
        // A part written out of order would otherwise be "expected `;`".
        if input.peek(Token![if]) || input.peek(Token![=>]) || input.peek(kw::after) {
            return Err(input.error(
                "the parts of a transition come in this order: `Source -> Target if guard => action after 30s`",
            ));
        }
        Ok(ArmDecl {
            sources,
            target,
            guard,
            action,
            after,
        })
    }
}

impl Parse for SourceDecl {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if !(input.peek(kw::done) && input.peek2(syn::token::Paren)) {
            let name = input.parse()?;
            return Ok(SourceDecl { name, done: None });
        }
        let done = Ident::new("done", input.parse::<kw::done>()?.span);
        let body;
        let parens = parenthesized!(body in input);
        if body.is_empty() {
            return Err(syn::Error::new(
                parens.span.join(),
                "name the parallel state in `done(...)`, as in `done(Building) -> Released`",
            ));
        }
        let name: Ident = body.parse()?;
        if !body.is_empty() {
            return Err(body.error(format!(
                "`done(...)` names one parallel state; write `done({name}) | done(Other)` for several"
            )));
        }
        Ok(SourceDecl {
            name,
            done: Some(done),
        })
    }
}

/// A guard or action after its keyword, with the mistakes a user makes
/// there named: nothing, a closure, a call.
fn function_path(
    input: ParseStream<'_>,
    what: &str,
    keyword: &str,
    example: &str,
) -> syn::Result<Path> {
    if input.peek(Token![|]) || input.peek(Token![||]) || input.peek(Token![move]) {
        return Err(input.error(format!(
            "{} {what} is the path of a function, not a closure; write the function and name it: `{keyword} {example}`",
            article(what)
        )));
    }
    if !(input.peek(Ident::peek_any) || input.peek(Token![::]) || input.peek(Token![<])) {
        return Err(input.error(format!(
            "expected the {what}'s function after `{keyword}`, as in `{keyword} {example}`"
        )));
    }
    let path = input.call(callable_path)?;
    if input.peek(syn::token::Paren) {
        let name = crate::check::path_name(&path);
        let called_with = match keyword {
            "with" => "the old data",
            "entry" => "the context and the state entered",
            "exit" => "the context and the state left",
            _ => "the context, the source state and the event's arguments",
        };
        return Err(input.error(format!(
            "{} {what} is named, not called: write `{keyword} {name}`; stateforge calls it with {called_with}",
            article(what)
        )));
    }
    Ok(path)
}

/// `a` or `an`, as `what` begins.
fn article(what: &str) -> &'static str {
    if what.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// The keyword `word` was probably meant to be: one edit away, or two for
/// the longer ones.
fn misspelled_keyword(word: &str) -> Option<&'static str> {
    ["context", "initial", "final", "state", "event", "removed"]
        .into_iter()
        .find(|keyword| {
            let distance = edit_distance(word, keyword);
            distance > 0 && distance <= if keyword.len() > 5 { 2 } else { 1 }
        })
}

/// Levenshtein distance, for short words.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(above + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

/// A guard or action: a path to a function as an expression writes it,
/// so `rules::check::<u8>` (with its turbofish) is accepted.
fn callable_path(input: ParseStream<'_>) -> syn::Result<Path> {
    let expr: syn::ExprPath = input.parse()?;
    if let Some(qself) = &expr.qself {
        return Err(syn::Error::new(
            qself.lt_token.span,
            "a qualified path such as `<T as Trait>::f` is not supported here; name the function as `Trait::f` or wrap it in a plain function",
        ));
    }
    Ok(expr.path)
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
