//! The macro never panics: random token text and random mutations of valid
//! declarations go through parse, check and expand, and what comes out is
//! always valid Rust (the machine's code, or `compile_error!`s).
//!
//! `PROPTEST_CASES=100000 cargo test -p stateforge-macros --release fuzz`
//! runs a longer campaign; failures proptest finds are kept in
//! `proptest-regressions/` and replayed first.

use proptest::prelude::*;

/// Words of the DSL and its surroundings, weighted toward the ones that
/// make a declaration almost valid.
const WORDS: &[&str] = &[
    "machine",
    "machine",
    "state",
    "state",
    "state",
    "initial",
    "final",
    "event",
    "event",
    "context",
    ":",
    ":",
    ";",
    ";",
    ";",
    "->",
    "->",
    "|",
    ",",
    "if",
    "=>",
    "after",
    "{",
    "}",
    "(",
    ")",
    "A",
    "B",
    "C",
    "Pending",
    "Done",
    "go",
    "stop",
    "retry",
    "x",
    "u8",
    "String",
    "Self",
    "30s",
    "5min",
    "7",
    "0ms",
    "99999999999999999999h",
    "#",
    "[",
    "]",
    "stateforge",
    "allow_unreachable",
    "allow_dead_ends",
    "pub",
    "pub(crate)",
    "::",
    "r#type",
    "_",
    "__",
    "a_",
    "new",
    "state_name",
    "'a",
    "\"text\"",
    "<",
    ">",
    "&",
    "doc",
    "=",
    "/// doc\n",
    "history",
    "parallel",
    "region",
    "done",
];

const VALID: &str = r##"
    #[doc = "A door."]
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
"##;

/// A valid declaration with compound and parallel states, mutated token
/// by token like [`VALID`].
const VALID_NESTED: &str = r##"
    pub machine Run {
        initial state Queued;
        state Active {
            initial state Assigned { agent: String }
            state Working { agent: String }
        }
        parallel state Building {
            region Tests { initial state Running; final state Passed { report: u8 } }
            region Docs { initial state Writing; final state Written; }
        }
        final state Released;
        event assign(agent: String): Queued -> Active;
        event start: Assigned -> Working;
        event build: Working -> Building;
        event pass(report: u8): Running -> Passed;
        event write: Writing -> Written;
        event cancel: Active | Building -> Queued;
        event release: done(Building) -> Released;
    }
"##;

/// Runs the macro on `text` (after the facade's `crate;`), if it lexes.
fn expand_text(text: &str) -> Result<(), String> {
    let Ok(tokens) = format!("::stateforge; {text}").parse::<proc_macro2::TokenStream>() else {
        return Ok(()); // unbalanced brackets never reach a proc-macro
    };
    let out = crate::expand::state_machine(tokens);
    syn::parse2::<syn::File>(out.clone())
        .map(|_| ())
        .map_err(|e| format!("output is not valid Rust ({e}):\n{out}"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn random_token_text_never_panics(words in prop::collection::vec(prop::sample::select(WORDS), 0..60)) {
        let text = words.join(" ");
        prop_assert!(expand_text(&text).is_ok(), "{}", expand_text(&text).unwrap_err());
    }

    #[test]
    fn random_machines_never_panic(words in prop::collection::vec(prop::sample::select(WORDS), 0..60)) {
        let text = format!("machine M {{ {} }}", words.join(" "));
        prop_assert!(expand_text(&text).is_ok(), "{}", expand_text(&text).unwrap_err());
    }

    #[test]
    fn mutated_valid_declarations_never_panic(
        edits in prop::collection::vec((0usize..200, prop::sample::select(WORDS), 0u8..3), 1..6),
        nested in any::<bool>(),
    ) {
        let mut tokens: Vec<String> = if nested { VALID_NESTED } else { VALID }
            .split_whitespace()
            .map(str::to_owned)
            .collect();
        for (at, word, op) in edits {
            let at = at % (tokens.len() + 1);
            match op {
                0 => tokens.insert(at, word.to_owned()),
                1 if at < tokens.len() => { tokens.remove(at); }
                _ if at < tokens.len() => tokens[at] = word.to_owned(),
                _ => {}
            }
        }
        let text = tokens.join(" ");
        prop_assert!(expand_text(&text).is_ok(), "{}", expand_text(&text).unwrap_err());
    }
}

/// Names an item-level mutation may swap in: declared states, an unknown
/// one, events, a generated method name.
const NAMES: &[&str] = &[
    "Closed", "Open", "Locked", "Broken", "Ajar", "open", "close", "lock", "smash", "state", "new",
];

/// Applies item-level edits to the lines of [`VALID`]: the result stays
/// close to valid syntax, so it exercises `check` and `expand`, not only
/// the parser.
fn mutate_items(edits: &[(usize, u8, usize)]) -> String {
    let mut lines: Vec<String> = VALID.lines().map(str::to_owned).collect();
    // Items are the lines between the machine's braces; edits change how
    // many there are.
    let first = 5;
    for &(at, op, name) in edits {
        let last = lines.len() - 2;
        if last <= first {
            break;
        }
        let i = first + at % (last - first);
        let name = NAMES[name % NAMES.len()];
        match op % 6 {
            0 => {
                lines.remove(i);
            }
            1 => {
                let line = lines[i].clone();
                lines.insert(i, line);
            }
            2 => {
                // Rename the first name in the line that NAMES knows.
                if let Some(old) = NAMES.iter().find(|n| lines[i].contains(*n)) {
                    lines[i] = lines[i].replacen(old, name, 1);
                }
            }
            3 => lines[i] = lines[i].replace("initial ", ""),
            4 => lines[i] = lines[i].replace("state ", "final state "),
            _ => lines[i] = lines[i].replace(" -> ", &format!(" | {name} -> ")),
        }
    }
    lines.join("\n")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn mutated_items_never_panic(edits in prop::collection::vec((0usize..64, 0u8..6, 0usize..64), 1..5)) {
        let text = mutate_items(&edits);
        prop_assert!(expand_text(&text).is_ok(), "{}", expand_text(&text).unwrap_err());
    }
}

/// How far random input gets: a fuzz that never gets past the lexer
/// proves nothing, so this counts each stage over a fixed sample of both
/// generators.
#[test]
fn the_nested_declaration_expands() {
    let tokens: proc_macro2::TokenStream = format!("::stateforge; {VALID_NESTED}").parse().unwrap();
    let out = crate::expand::state_machine(tokens).to_string();
    assert!(!out.contains("compile_error"), "{out}");
}

#[test]
fn random_input_reaches_every_stage() {
    use proptest::strategy::{Strategy, ValueTree};
    use proptest::test_runner::TestRunner;
    let stages = |text: String| -> (bool, bool, bool) {
        let Ok(ts) = format!("::stateforge; {text}").parse::<proc_macro2::TokenStream>() else {
            return (false, false, false);
        };
        let Ok(input) = syn::parse2::<crate::ast::Input>(ts) else {
            return (true, false, false);
        };
        (true, true, crate::check::check(input).is_ok())
    };
    let mut runner = TestRunner::deterministic();
    let tokens = prop::collection::vec(prop::sample::select(WORDS), 0..60);
    let items = prop::collection::vec((0usize..64, 0u8..6, 0usize..64), 1..5);
    let (mut lexed, mut parsed, mut accepted, mut refused) = (0, 0, 0, 0);
    for _ in 0..500 {
        let words = tokens.new_tree(&mut runner).unwrap().current();
        let (l, _, _) = stages(words.join(" "));
        lexed += usize::from(l);
        let edits = items.new_tree(&mut runner).unwrap().current();
        let (_, p, ok) = stages(mutate_items(&edits));
        parsed += usize::from(p);
        accepted += usize::from(p && ok);
        refused += usize::from(p && !ok);
    }
    eprintln!(
        "token text: {lexed}/500 lexed; items: {parsed}/500 parsed, {accepted} accepted, {refused} refused by check"
    );
    assert!(lexed > 50, "token text rarely lexes: {lexed}/500");
    assert!(parsed > 400, "item mutations rarely parse: {parsed}/500");
    assert!(
        accepted > 25 && refused > 100,
        "check sees too little variety: {accepted} accepted, {refused} refused"
    );
}

#[test]
fn the_valid_declaration_expands() {
    expand_text(VALID).unwrap();
}
