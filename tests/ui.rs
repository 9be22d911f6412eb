//! Compile-time behaviour of `state_machine!`: declarations that compile,
//! declarations our macro rejects, and misuse of the generated API that rustc
//! rejects. One case per file under `ui-tests/`; refresh the `.stderr` files
//! with `TRYBUILD=overwrite cargo test --test ui` and read the diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("ui-tests/pass/*.rs");
    t.compile_fail("ui-tests/fail/*.rs");
    // rustc's own messages list the impls it found, serde's among them:
    // their `.stderr` files hold what a user with the default features sees.
    if cfg!(feature = "serde") {
        t.compile_fail("ui-tests/rustc/*.rs");
    }
}
