//! Collects every error of a declaration, so the user sees all at once.

use std::fmt::Display;

use proc_macro2::Span;

/// Errors found so far, combined into one `syn::Error` at the end.
#[derive(Default)]
pub(crate) struct Ctxt {
    errors: Vec<syn::Error>,
}

impl Ctxt {
    /// Records an error at `span`.
    pub(crate) fn error(&mut self, span: Span, message: impl Display) {
        self.errors.push(syn::Error::new(span, message));
    }

    /// All errors as one, or `Ok` if there were none.
    pub(crate) fn finish(mut self) -> syn::Result<()> {
        // In source order, as rustc reports its own errors; the sort is
        // stable, so errors at one place keep the order of the rules.
        self.errors.sort_by_key(|e| {
            let start = e.span().start();
            (start.line, start.column)
        });
        let mut errors = self.errors.into_iter();
        match errors.next() {
            None => Ok(()),
            Some(mut first) => {
                for e in errors {
                    first.combine(e);
                }
                Err(first)
            }
        }
    }
}
