//! An estimate with its t test and 95 % interval: what a regression coefficient and a mean
//! change both report.

use serde::Serialize;

use crate::special::{t_quantile, t_two_sided_p};

/// An estimate with its standard error, t test (two-sided) and 95 % interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Estimate {
    pub estimate: f64,
    pub std_error: f64,
    pub t_value: f64,
    pub p_value: f64,
    pub conf_low: f64,
    pub conf_high: f64,
}

/// The estimate's t test and interval with `df` degrees of freedom.
pub fn t_estimate(estimate: f64, std_error: f64, df: f64) -> Estimate {
    let t = estimate / std_error;
    let crit = t_quantile(0.975, df);
    Estimate {
        estimate,
        std_error,
        t_value: t,
        p_value: t_two_sided_p(t, df),
        conf_low: estimate - crit * std_error,
        conf_high: estimate + crit * std_error,
    }
}
