//! A case's RSS surveys over time: a small inline SVG chart of the three dimensions and the
//! composite per survey, with the same numbers in a table (for screen readers and print).

use homeward_domain::Named;
use homeward_service::views::SurveyView;

/// One line of the chart.
pub struct Series {
    /// Message key of the dimension (`economic`, ..., `composite`).
    pub key: &'static str,
    pub class: &'static str,
    /// SVG polyline points.
    pub points: String,
    /// The same points as dots, so a single survey shows too.
    pub dots: Vec<(String, String)>,
}

/// One scored survey, for the table.
pub struct Point {
    pub label: chrono::NaiveDate,
    pub phase: String,
    pub values: [Option<f64>; 4],
}

pub struct Progress {
    pub series: Vec<Series>,
    pub points: Vec<Point>,
    /// The x of each survey, for tick labels.
    pub ticks: Vec<(f64, chrono::NaiveDate)>,
}

pub const WIDTH: f64 = 560.0;
pub const HEIGHT: f64 = 200.0;
const LEFT: f64 = 36.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 28.0;

/// The chart of the scored surveys, oldest first; `None` without any.
pub fn chart(surveys: &[SurveyView]) -> Option<Progress> {
    let scored: Vec<&SurveyView> = surveys.iter().filter(|s| s.scores.status == homeward_rss::Status::Scored).collect();
    if scored.is_empty() {
        return None;
    }
    let n = scored.len();
    let x = |i: usize| {
        if n == 1 {
            LEFT + (WIDTH - LEFT - RIGHT) / 2.0
        } else {
            LEFT + (WIDTH - LEFT - RIGHT) * i as f64 / (n - 1) as f64
        }
    };
    let y = |v: f64| TOP + (HEIGHT - TOP - BOTTOM) * (1.0 - v.clamp(0.0, 1.0));
    let value = |s: &SurveyView, k: usize| match k {
        0 => s.scores.economic,
        1 => s.scores.social,
        2 => s.scores.psychosocial,
        _ => s.scores.composite,
    };
    let keys =
        [("economic", "economic"), ("social", "social"), ("psychosocial", "psychosocial"), ("composite", "composite")];
    let series = keys
        .iter()
        .enumerate()
        .map(|(k, (key, class))| {
            let dots: Vec<(String, String)> = scored
                .iter()
                .enumerate()
                .filter_map(|(i, s)| value(s, k).map(|v| (format!("{:.1}", x(i)), format!("{:.1}", y(v)))))
                .collect();
            Series {
                key,
                class,
                points: dots.iter().map(|(x, y)| format!("{x},{y}")).collect::<Vec<_>>().join(" "),
                dots,
            }
        })
        .collect();
    let points = scored
        .iter()
        .map(|s| Point { label: s.date, phase: s.phase.name().to_string(), values: [0, 1, 2, 3].map(|k| value(s, k)) })
        .collect();
    let ticks = scored.iter().enumerate().map(|(i, s)| (x(i), s.date)).collect();
    Some(Progress { series, points, ticks })
}
