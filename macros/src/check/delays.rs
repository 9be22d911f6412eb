//! Timer delays: `after 30s` in milliseconds.

use syn::LitInt;

use crate::ast::EventDecl;
use crate::ctxt::Ctxt;

// Rule: a timer delay is a whole number with unit `ms`, `s`, `min` or `h`.
pub(super) fn check_delays(cx: &mut Ctxt, events: &[EventDecl]) {
    for arm in events.iter().flat_map(|e| &e.arms) {
        if let Some(lit) = &arm.after
            && let Err(message) = delay_ms(lit)
        {
            cx.error(lit.span(), message);
        }
    }
}

/// The delay `lit` stands for, in milliseconds, or what is wrong with it.
pub(super) fn delay_ms(lit: &LitInt) -> Result<u64, String> {
    let factor = match lit.suffix() {
        "ms" => 1,
        "s" => 1_000,
        "min" => 60_000,
        "h" => 3_600_000,
        "" => {
            return Err(format!(
                "timer delay `{lit}` needs a unit; write it as `500ms`, `30s`, `5min` or `2h`"
            ));
        }
        unit => {
            return Err(format!(
                "unknown unit `{unit}` in timer delay `{lit}`; use `ms`, `s`, `min` or `h`, as in `30s`"
            ));
        }
    };
    lit.base10_parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(factor))
        .ok_or_else(|| format!("timer delay `{lit}` is too large"))
}
