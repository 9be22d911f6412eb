//! The stores. One suite for every backend: each behaviour is written
//! once, in `stores/suite/`, as a function of a fresh, isolated
//! [`Fixture`](suite::Fixture), and `behaviours!` below runs each on every
//! backend: `sqlite::NAME` on a fresh SQLite file, `postgres::NAME` under
//! a table prefix of its own on the server at `STATEFORGE_PG_URL`
//! (skipped with a message when that is unset; a failure then with
//! `STATEFORGE_REQUIRE_PG=1`). What only one backend has is tested in that
//! backend's module: `stores/sqlite.rs` (and `sqlite_opening.rs`,
//! `sqlite_faults.rs`), `stores/postgres.rs`. Beside the suite:
//! `concurrent_model.rs` (random concurrent workloads against a model) and
//! `worker_faults.rs` (the timer worker when its store fails).

// Stores need the `sqlite` feature (a default one).
#![cfg(feature = "sqlite")]

/// Defines one `#[test]` per behaviour, on the fixture `$fixture(name)`
/// (an `Option<Fixture>`; `None` skips). The one list of behaviours.
macro_rules! behaviours {
    ($fixture:path) => {
        behaviours!(@each $fixture;
            transitions::transitions_write_state_and_history_together,
            transitions::a_refused_event_writes_nothing,
            transitions::guards_and_vetoes_write_nothing,
            transitions::a_unit_commits_all_or_nothing,
            transitions::an_operation_failing_halfway_rolls_its_unit_back,
            transitions::typed_code_saves_with_optimistic_locking,
            transitions::a_save_says_what_is_wrong_with_the_row_first,
            transitions::sessions_are_isolated_unless_crossed_explicitly,
            queries::creating_twice_and_missing_entities_are_typed_errors,
            queries::queries_filter_by_state_and_page_history,
            listing::pages_list_every_entity_once_in_key_order,
            queries::rows_read_back_as_written,
            queries::the_definition_saved_last_is_the_one_returned,
            queries::creating_an_entity_that_exists_keeps_no_definition,
            timers::timers_fire_once_and_survive_a_restart,
            timers::leaving_a_state_cancels_its_timer,
            timers::a_timer_whose_entity_does_not_restore_is_kept,
            timers::a_timer_whose_entity_was_deleted_is_used_up,
            timers::orphan_timers_among_live_ones_are_all_used_up,
            timers::a_timer_whose_entity_has_a_bad_version_is_kept,
            timers::a_timer_cancelled_by_an_earlier_one_in_the_same_call_does_not_fire,
            timers::a_dynamic_machines_timers_fire_through_its_guards,
            timers::a_drain_in_pages_keeps_every_history_chain,
            timers::a_page_uses_up_a_refused_timer_before_its_entitys_next_one_fires,
            timer_worker::a_worker_wakes_for_each_timer_and_stops_when_told,
            timer_worker::a_round_sleeps_until_the_next_timer_or_the_polling_interval,
            timer_worker::a_kept_timer_waits_for_the_polling_interval_and_hides_no_later_one,
            timer_worker::a_round_fires_every_due_timer_however_small_the_batch,
            timer_worker::a_worker_fires_typed_and_dynamic_machines_in_one_round,
            timer_worker::a_round_ends_though_its_firings_arm_timers_that_fall_due,
            rows::migrating_twice_is_harmless_and_a_newer_schema_is_refused,
            rows::bad_rows_are_typed_errors_and_change_nothing,
            rows::names_are_validated_and_values_are_bound,
            rows::bad_versions_are_bad_rows_and_the_last_one_does_not_move,
            rows::a_corrupt_history_record_is_an_error_naming_its_entity,
            entity_ids::entity_ids_are_checked_the_same_on_every_backend,
            evolution::rows_of_a_compatible_older_definition_load_and_fire,
            evolution::rows_needing_a_migration_are_refused_and_left_alone,
            evolution::dynamic_rows_carry_over_to_a_compatible_definition,
            migrations::declared_migrations_move_rows_lazily_with_a_record,
            migrations::an_old_definition_refuses_migrated_rows_and_writes_nothing,
            migrations::a_batch_migration_runs_beside_live_traffic_and_resumes,
            data_migrations::a_typed_machines_data_migrations_run_lazily_and_in_batches,
            data_migrations::a_dynamic_machines_data_migrations_run_through_its_registry,
            evolution_at_scale::v1_to_v2_with_hundreds_of_entities_in_every_state,
            concurrency::eight_threads_on_one_entity_never_both_win_a_version,
            concurrency::eight_threads_on_distinct_entities,
            concurrency::units_that_lock_their_entities_first_never_deadlock,
            crash::a_writer_killed_mid_write_loses_nothing_committed,
            units::calling_the_store_inside_its_unit_is_an_error_not_a_wait,
            units::a_units_reads_see_its_own_writes,
            units::a_blocking_unit_runs_dynamic_machines_and_their_timers,
            refusals::each_refusal_of_a_dynamic_machine_is_its_own_variant,
            refusals::guarded_alternatives_fire_the_chosen_arm_or_name_every_guard,
            listened::after_listeners_are_told_who_and_why,
            listened::a_unit_names_what_it_fired_for_the_after_listeners,
            listened::a_units_after_listeners_hear_only_of_its_commit,
            state_actions::typed_state_actions_are_written_with_the_transition,
            state_actions::dynamic_state_actions_are_written_and_a_failing_one_writes_nothing,
            hierarchy::a_compound_and_parallel_machine_is_stored_by_configuration,
            hierarchy_listeners::listeners_hear_configurations_and_vetoes_write_nothing,
            hierarchy_timers::a_region_that_does_not_move_keeps_its_states_timer,
            hierarchy_timers::a_compound_states_timer_runs_across_moves_between_its_children,
        );
    };
    (@each $fixture:path; $($group:ident :: $behaviour:ident),+ $(,)?) => {
        $(
            #[test]
            fn $behaviour() {
                if let Some(fixture) = $fixture(stringify!($behaviour)) {
                    crate::suite::$group::$behaviour(fixture);
                }
            }
        )+
    };
}

#[path = "../support/pg_fixture.rs"]
mod pg_fixture;
#[path = "../support/stored_task.rs"]
mod stored_task;
mod suite;

mod app_table;
mod app_transaction;
mod app_transaction_sqlite;
mod async_store;
mod concurrent_model;
mod idempotency;
mod migrations;
mod outbox;
mod outbox_blocking;
mod outbox_sources;
mod postgres;
mod rolling_deploy;
mod spans;
mod sqlite;
mod sqlite_faults;
mod sqlite_opening;
mod worker_faults;
