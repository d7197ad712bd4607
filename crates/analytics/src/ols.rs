//! Ordinary least squares by Householder QR (never the normal equations, which square the
//! condition number): coefficients with classical or HC1 standard errors, t tests, 95 %
//! intervals, R², adjusted R², the residual standard error and the F test of all slopes.
//!
//! A design whose columns are linearly dependent is refused with the names of the terms that
//! depend on the others (the aliased ones), so the user knows what to drop.

// Matrix algebra reads best with the indices of the textbook.
#![allow(clippy::needless_range_loop)]

use serde::Serialize;

use crate::estimate::{Estimate, t_estimate};
use crate::formula::Design;
use crate::special::f_upper_p;

/// How standard errors are estimated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Covariance {
    /// Homoskedastic errors: σ²(XᵀX)⁻¹.
    Classical,
    /// White's heteroskedasticity-consistent estimator with the n/(n−p) correction.
    Hc1,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coefficient {
    pub term: String,
    /// Its estimate, standard error, t, p and interval (flat in JSON, as R's `tidy` gives them).
    #[serde(flatten)]
    pub test: Estimate,
}

/// A fitted model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fit {
    pub n: usize,
    pub df_resid: usize,
    pub r_squared: f64,
    pub adj_r_squared: f64,
    /// The residual standard error.
    pub sigma: f64,
    /// The F statistic of all slopes (a Wald test with the robust covariance under HC1); absent
    /// for an intercept-only model.
    pub f_statistic: Option<f64>,
    pub f_p_value: Option<f64>,
    pub covariance: Covariance,
    pub coefficients: Vec<Coefficient>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OlsError {
    #[error("the model's terms are linearly dependent: {} can be computed from the terms before them; drop {}", .0.join(", "), if .0.len() == 1 { "it" } else { "them" })]
    Aliased(Vec<String>),
    #[error("{n} complete rows are too few for {p} coefficients (after leaving out rows with a missing value)")]
    TooFewRows { n: usize, p: usize },
    #[error("the response has the same value in every complete row: there is nothing to explain")]
    ConstantResponse,
}

/// A column counts as dependent when what is left of it after the columns before is this small
/// relative to its own size.
const ALIAS_TOLERANCE: f64 = 1e-9;

/// Householder QR of the kept columns: R (upper triangular, by rows) and Qᵀy.
struct Qr {
    r: Vec<Vec<f64>>,
    qty: Vec<f64>,
    kept: Vec<usize>,
    aliased: Vec<usize>,
}

fn householder(x: &[Vec<f64>], y: &[f64]) -> Qr {
    let n = y.len();
    let mut a: Vec<Vec<f64>> = x.to_vec();
    let mut qty = y.to_vec();
    let mut kept = vec![];
    let mut aliased = vec![];
    let mut r_columns: Vec<Vec<f64>> = vec![];
    for k in 0..a.len() {
        let row = kept.len();
        let original = x[k].iter().map(|v| v * v).sum::<f64>().sqrt();
        let norm = a[k][row..].iter().map(|v| v * v).sum::<f64>().sqrt();
        if row >= n || norm <= ALIAS_TOLERANCE * original.max(f64::MIN_POSITIVE) {
            aliased.push(k);
            continue;
        }
        // v = x + sign(x₀)‖x‖e₀, normalised so H = I − 2vvᵀ/(vᵀv).
        let alpha = if a[k][row] >= 0.0 { -norm } else { norm };
        let mut v: Vec<f64> = a[k][row..].to_vec();
        v[0] -= alpha;
        let vtv: f64 = v.iter().map(|x| x * x).sum();
        let reflect = |col: &mut [f64]| {
            let dot: f64 = v.iter().zip(col.iter()).map(|(a, b)| a * b).sum();
            let f = 2.0 * dot / vtv;
            for (c, vi) in col.iter_mut().zip(&v) {
                *c -= f * vi;
            }
        };
        for col in a.iter_mut().skip(k + 1) {
            reflect(&mut col[row..]);
        }
        reflect(&mut qty[row..]);
        let mut r_col = a[k][..row].to_vec();
        r_col.push(alpha);
        r_columns.push(r_col);
        kept.push(k);
    }
    let p = kept.len();
    let mut r = vec![vec![0.0; p]; p];
    for (j, col) in r_columns.iter().enumerate() {
        for (i, v) in col.iter().enumerate() {
            r[i][j] = *v;
        }
    }
    Qr { r, qty, kept, aliased }
}

/// Solves R b = c (R upper triangular).
fn back_substitute(r: &[Vec<f64>], c: &[f64]) -> Vec<f64> {
    let p = c.len();
    let mut b = vec![0.0; p];
    for i in (0..p).rev() {
        let s: f64 = (i + 1..p).map(|j| r[i][j] * b[j]).sum();
        b[i] = (c[i] - s) / r[i][i];
    }
    b
}

/// Solves Rᵀ b = c (Rᵀ lower triangular).
fn forward_substitute(r: &[Vec<f64>], c: &[f64]) -> Vec<f64> {
    let p = c.len();
    let mut b = vec![0.0; p];
    for i in 0..p {
        let s: f64 = (0..i).map(|j| r[j][i] * b[j]).sum();
        b[i] = (c[i] - s) / r[i][i];
    }
    b
}

/// R⁻¹ (upper triangular), column by column.
fn invert_upper(r: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let p = r.len();
    let mut inv = vec![vec![0.0; p]; p];
    for j in 0..p {
        let mut e = vec![0.0; p];
        e[j] = 1.0;
        let col = back_substitute(r, &e);
        for i in 0..p {
            inv[i][j] = col[i];
        }
    }
    inv
}

/// A · B · Aᵀ for square A and symmetric B.
fn sandwich(a: &[Vec<f64>], b: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let p = a.len();
    let ab: Vec<Vec<f64>> = (0..p).map(|i| (0..p).map(|j| (0..p).map(|k| a[i][k] * b[k][j]).sum()).collect()).collect();
    (0..p).map(|i| (0..p).map(|j| (0..p).map(|k| ab[i][k] * a[j][k]).sum()).collect()).collect()
}

/// Solves the symmetric positive definite system S z = b (Cholesky); `None` if S is not.
fn solve_spd(s: &[Vec<f64>], b: &[f64]) -> Option<Vec<f64>> {
    let k = b.len();
    let mut l = vec![vec![0.0; k]; k];
    for i in 0..k {
        for j in 0..=i {
            let sum: f64 = (0..j).map(|m| l[i][m] * l[j][m]).sum();
            if i == j {
                let d = s[i][i] - sum;
                if d <= 0.0 {
                    return None;
                }
                l[i][i] = d.sqrt();
            } else {
                l[i][j] = (s[i][j] - sum) / l[j][j];
            }
        }
    }
    let mut z = vec![0.0; k];
    for i in 0..k {
        z[i] = (b[i] - (0..i).map(|m| l[i][m] * z[m]).sum::<f64>()) / l[i][i];
    }
    for i in (0..k).rev() {
        z[i] = (z[i] - (i + 1..k).map(|m| l[m][i] * z[m]).sum::<f64>()) / l[i][i];
    }
    Some(z)
}

/// Fits `design` by least squares. The first column must be the intercept.
pub fn fit(design: &Design, covariance: Covariance) -> Result<Fit, OlsError> {
    let n = design.y.len();
    let qr = householder(&design.x, &design.y);
    if !qr.aliased.is_empty() {
        return Err(OlsError::Aliased(qr.aliased.iter().map(|&k| design.names[k].clone()).collect()));
    }
    let p = qr.kept.len();
    if n <= p {
        return Err(OlsError::TooFewRows { n, p });
    }
    let beta = back_substitute(&qr.r, &qr.qty[..p]);
    let residuals: Vec<f64> =
        (0..n).map(|i| design.y[i] - design.x.iter().zip(&beta).map(|(col, b)| col[i] * b).sum::<f64>()).collect();
    let ssr: f64 = residuals.iter().map(|e| e * e).sum();
    let mean = design.y.iter().sum::<f64>() / n as f64;
    let sst: f64 = design.y.iter().map(|y| (y - mean) * (y - mean)).sum();
    if sst == 0.0 {
        return Err(OlsError::ConstantResponse);
    }
    let df = n - p;
    let sigma2 = ssr / df as f64;
    let r_inv = invert_upper(&qr.r);
    // (XᵀX)⁻¹ = R⁻¹R⁻ᵀ.
    let identity: Vec<Vec<f64>> = (0..p).map(|i| (0..p).map(|j| f64::from(u8::from(i == j))).collect()).collect();
    let xtx_inv = sandwich(&r_inv, &identity);
    let cov: Vec<Vec<f64>> = match covariance {
        Covariance::Classical => xtx_inv.iter().map(|row| row.iter().map(|v| v * sigma2).collect()).collect(),
        Covariance::Hc1 => {
            // (XᵀX)⁻¹ Xᵀ diag(e²) X (XᵀX)⁻¹ = R⁻¹ (Σ eᵢ² qᵢqᵢᵀ) R⁻ᵀ with qᵢ = R⁻ᵀxᵢ, times n/(n−p).
            let mut meat = vec![vec![0.0; p]; p];
            let mut xi = vec![0.0; p];
            for (i, e) in residuals.iter().enumerate() {
                for (j, col) in design.x.iter().enumerate() {
                    xi[j] = col[i];
                }
                let q = forward_substitute(&qr.r, &xi);
                let w = e * e;
                for a in 0..p {
                    for b in 0..=a {
                        meat[a][b] += w * q[a] * q[b];
                    }
                }
            }
            for a in 0..p {
                for b in 0..a {
                    meat[b][a] = meat[a][b];
                }
            }
            let scale = n as f64 / df as f64;
            sandwich(&r_inv, &meat).into_iter().map(|row| row.into_iter().map(|v| v * scale).collect()).collect()
        }
    };
    let coefficients = (0..p)
        .map(|j| Coefficient { term: design.names[j].clone(), test: t_estimate(beta[j], cov[j][j].sqrt(), df as f64) })
        .collect();
    let r_squared = 1.0 - ssr / sst;
    let slopes = p - 1;
    let f_statistic = (slopes > 0)
        .then(|| match covariance {
            Covariance::Classical => Some(((sst - ssr) / slopes as f64) / sigma2),
            Covariance::Hc1 => {
                // Wald: βₛᵀ Vₛ⁻¹ βₛ / k over the slopes.
                let vs: Vec<Vec<f64>> = (1..p).map(|i| (1..p).map(|j| cov[i][j]).collect()).collect();
                let bs = &beta[1..];
                solve_spd(&vs, bs).map(|z| bs.iter().zip(&z).map(|(b, z)| b * z).sum::<f64>() / slopes as f64)
            }
        })
        .flatten();
    Ok(Fit {
        n,
        df_resid: df,
        r_squared,
        adj_r_squared: 1.0 - (1.0 - r_squared) * (n as f64 - 1.0) / df as f64,
        sigma: sigma2.sqrt(),
        f_p_value: f_statistic.map(|f| f_upper_p(f, slopes as f64, df as f64)),
        f_statistic,
        covariance,
        coefficients,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn design(x: Vec<Vec<f64>>, y: Vec<f64>, names: &[&str]) -> Design {
        let rows_used = (0..y.len()).collect();
        Design { y, x, names: names.iter().map(|s| s.to_string()).collect(), rows_used }
    }

    #[test]
    fn a_line_through_exact_points_is_found_exactly() {
        let xs = [1.0, 2.0, 3.0, 4.0, 5.0];
        let ys: Vec<f64> = xs.iter().map(|x| 0.25 + 0.5 * x + if *x == 3.0 { 0.1 } else { 0.0 }).collect();
        let d = design(vec![vec![1.0; 5], xs.to_vec()], ys, &["(Intercept)", "x"]);
        let f = fit(&d, Covariance::Classical).unwrap();
        // By hand: the bump of 0.1 at the mean x moves only the intercept, by 0.1/5.
        assert!((f.coefficients[0].test.estimate - 0.27).abs() < 1e-12, "{:?}", f.coefficients);
        assert!((f.coefficients[1].test.estimate - 0.5).abs() < 1e-12);
        assert_eq!((f.n, f.df_resid), (5, 3));
        // Residuals: -0.02 four times and +0.08: SSR = 0.008, σ² = 0.008/3.
        assert!((f.sigma - (0.008f64 / 3.0).sqrt()).abs() < 1e-12);
        assert!(f.r_squared > 0.99 && f.r_squared < 1.0);
    }

    #[test]
    fn dependent_terms_are_named() {
        let a = vec![1.0, 0.0, 1.0, 0.0, 1.0];
        let b: Vec<f64> = a.iter().map(|v| 1.0 - v).collect();
        let d =
            design(vec![vec![1.0; 5], a, b], vec![1.0, 2.0, 3.0, 4.0, 6.0], &["(Intercept)", "sexFemale", "sexMale"]);
        let e = fit(&d, Covariance::Classical).unwrap_err();
        assert_eq!(e, OlsError::Aliased(vec!["sexMale".into()]));
        assert_eq!(
            e.to_string(),
            "the model's terms are linearly dependent: sexMale can be computed from the terms before them; drop it"
        );
    }

    #[test]
    fn too_few_rows_and_a_constant_response_are_refused() {
        let d = design(vec![vec![1.0; 2], vec![1.0, 2.0]], vec![1.0, 2.0], &["(Intercept)", "x"]);
        assert_eq!(fit(&d, Covariance::Classical).unwrap_err(), OlsError::TooFewRows { n: 2, p: 2 });
        let d = design(vec![vec![1.0; 3], vec![1.0, 2.0, 4.0]], vec![1.0; 3], &["(Intercept)", "x"]);
        assert_eq!(fit(&d, Covariance::Classical).unwrap_err(), OlsError::ConstantResponse);
    }
}
