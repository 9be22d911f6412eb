//! Compile-time behaviour of `state_machine!`: declarations that compile,
//! declarations our macro rejects, and misuse of the generated API that rustc
//! rejects. One case per file under `ui-tests/`; refresh the `.stderr` files
//! with `TRYBUILD=overwrite cargo test --test ui` and read the diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("ui-tests/pass/*.rs");
    t.compile_fail("ui-tests/fail/*.rs");
    t.compile_fail("ui-tests/rustc/*.rs");
}
