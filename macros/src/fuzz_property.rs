//! The property the `macro_input` fuzz target checks, shared with the test
//! that replays its corpus (`fuzz_corpus_tests.rs`): the fuzz crate
//! includes this file, and the modules it calls, by `#[path]`, because a
//! proc-macro crate cannot be linked as a library.

use proc_macro2::TokenStream;

/// Runs the whole macro on `data`, taken as the text a user writes inside
/// `stateforge::state_machine! { ... }`, and checks that it never panics,
/// that the output is always valid Rust, that a refusal is
/// `compile_error!`s, each with a message, and that an accepted machine's
/// definition text reads back as its spec.
///
/// The crate path before the first `;` is added here, as the facade adds
/// `$crate;`: users never write it. (The first campaign found that garbage
/// there, `::a$b;`, was pasted into the output; the path is now parsed,
/// see `parse_tests::the_crate_path_is_checked_not_pasted`.) Bytes
/// that are not UTF-8, or text that does not lex as Rust tokens, never
/// reach a proc-macro: they pass.
///
/// # Errors
///
/// What is wrong with the output, with the output.
pub(crate) fn macro_input(data: &[u8]) -> Result<(), String> {
    let Ok(text) = std::str::from_utf8(data) else {
        return Ok(());
    };
    let Ok(tokens) = format!("::stateforge; {text}").parse::<TokenStream>() else {
        return Ok(());
    };
    // The stages one by one, to know whether the macro should refuse; the
    // output is then the real entry point's, as rustc would see it.
    let refusal = match syn::parse2::<crate::ast::Input>(tokens.clone()) {
        Err(e) => Some(e),
        Ok(input) => match crate::check::check(input) {
            Err(e) => Some(e),
            Ok(model) => {
                // The definition the generated code builds is the spec
                // checked here (the text form of `expand::definition_body`).
                let spec = model.definition.spec();
                let (states, events, timers) = spec.__to_text();
                let back = stateforge_core::MachineSpec::__from_text(
                    &spec.name,
                    &states,
                    &events,
                    &timers,
                    spec.checks,
                );
                if &back != spec {
                    return Err(format!(
                        "the definition's text reads back as {back:?}, not {spec:?}"
                    ));
                }
                None
            }
        },
    };
    let out = crate::expand::state_machine(tokens);
    let file = syn::parse2::<syn::File>(out.clone())
        .map_err(|e| format!("output is not valid Rust ({e}):\n{out}"))?;
    if let Some(errors) = refusal {
        if let Some(empty) = errors.into_iter().find(|e| e.to_string().trim().is_empty()) {
            return Err(format!("an error without a message at {:?}", empty.span()));
        }
        let reported = file.items.iter().any(|item| {
            matches!(item, syn::Item::Macro(m)
                if m.mac.path.segments.last().is_some_and(|s| s.ident == "compile_error"))
        });
        if !reported {
            return Err(format!("refused without a compile_error!:\n{out}"));
        }
    }
    Ok(())
}
