// Compound and parallel states under `deny(warnings)` and `deny(missing_docs)`,
// beside user types shadowing the prelude: their generated structs, marker
// traits and any-enum variants are documented and named by full path.
#![deny(warnings)]
#![deny(missing_docs)]
//! A build pipeline.

/// Shadows `core::result::Result`.
pub struct Result;
/// Shadows `core::option::Option`.
pub struct Option;

stateforge::state_machine! {
    /// A pipeline: reviewed in a compound state, built in parallel regions.
    #[derive(Debug, Clone, PartialEq)]
    pub machine Pipeline {
        context: u32;
        /// Waiting.
        initial state Queued;
        /// Under review.
        state Review {
            /// Read by someone.
            initial state Reading { by: u64 }
            /// Approved by someone.
            state Approved { by: u64 }
        }
        /// Building.
        parallel state Build {
            region Code {
                /// Compiling.
                initial state Compiling;
                /// Compiled.
                final state Compiled { seconds: u32 }
            }
            region Assets {
                /// Bundling.
                initial state Bundling;
                /// Bundled.
                final state Bundled;
            }
        }
        /// Shipped.
        final state Shipped;
        /// Dropped.
        final state Dropped;
        /// Someone reads it.
        event review(by: u64): Queued -> Review;
        /// The reader approves.
        event approve: Reading -> Approved;
        /// Building starts.
        event build: Approved -> Build;
        /// The code compiled.
        event compiled(seconds: u32): Compiling -> Compiled;
        /// The assets are bundled.
        event bundled: Bundling -> Bundled;
        /// Dropped from anywhere in review or build.
        event drop: Review | Build -> Dropped;
        /// Shipped once both regions are done.
        event ship: done(Build) -> Shipped;
    }
}

fn main() {
    let built = Pipeline::new(0).review(7).approve().build().compiled(3).bundled();
    assert_eq!(built.state().code.seconds, 3);
    let _: Pipeline<Shipped> = built.ship();
    let _: Pipeline<Dropped> = Pipeline::new(0).review(7).drop();
}
