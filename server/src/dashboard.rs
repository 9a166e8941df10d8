//! The supervisor's dashboard, drawn on the server: each chart a small SVG with the numbers in a
//! table beside it, in the reader's language, so the phone downloads a few kilobytes of markup
//! and no charting code. Counted by [`app::domain::indicator::dashboard`] from the case figures
//! and from the stored follow-ups; reading it is audited.

use crate::context::Ctx;
use crate::follow_ups::as_of;
use app::api::ApiError;
use app::domain::follow_up::{local_today, Status};
use app::domain::indicator::dashboard::{dashboard, Dashboard};
use app::domain::indicator::share;
use app::domain::{Action, SessionUser, Target};
use std::collections::BTreeMap;
use std::fmt::Write;
use uuid::Uuid;

#[derive(Clone)]
pub struct Dashboards {
    ctx: Ctx,
}

/// Text safe inside HTML and SVG.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One bar of a chart: its label, its length and the figure written beside it.
struct Bar {
    label: String,
    value: f64,
    text: String,
}

const ROW: u32 = 24;
const WIDTH: u32 = 320;
const LABEL: u32 = 118;
const BAR: f64 = 150.0;

/// A horizontal bar chart; `max` is the value of a full bar (100 for shares).
fn bars(title: &str, rows: &[Bar], max: f64) -> String {
    let height = ROW * u32::try_from(rows.len()).unwrap_or(0).max(1) + 4;
    let mut svg = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {height}\" width=\"100%\" role=\"img\" aria-label=\"{t}\"><title>{t}</title>",
        t = esc(title)
    );
    for (i, b) in rows.iter().enumerate() {
        let y = ROW * u32::try_from(i).unwrap_or(0);
        let len = if max > 0.0 {
            (b.value / max).clamp(0.0, 1.0) * BAR
        } else {
            0.0
        };
        // The full label is in the table beside the chart.
        let label: String = if b.label.chars().count() > 18 {
            b.label.chars().take(17).chain(['…']).collect()
        } else {
            b.label.clone()
        };
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{ty}\" font-size=\"11\">{label}</text>\
             <rect x=\"{LABEL}\" y=\"{ry}\" width=\"{len:.1}\" height=\"14\" fill=\"#1f6f8b\"></rect>\
             <text x=\"{tx:.1}\" y=\"{ty}\" font-size=\"11\">{text}</text>",
            ty = y + 15,
            ry = y + 4,
            label = esc(&label),
            tx = f64::from(LABEL) + len + 4.0,
            text = esc(&b.text),
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A chart with its numbers: title, the SVG, and a two-column table.
fn section(id: &str, title: &str, heads: (&str, &str), rows: &[Bar], max: f64, empty: &str) -> String {
    let mut html = format!(
        "<section class=\"dash\" data-testid=\"dash-{id}\"><h3>{}</h3>",
        esc(title)
    );
    if rows.is_empty() {
        let _ = write!(html, "<p class=\"muted\">{}</p></section>", esc(empty));
        return html;
    }
    html.push_str(&bars(title, rows, max));
    let _ = write!(
        html,
        "<table class=\"report\"><thead><tr><th>{}</th><th class=\"num\">{}</th></tr></thead><tbody>",
        esc(heads.0),
        esc(heads.1)
    );
    for b in rows {
        let _ = write!(
            html,
            "<tr><td>{}</td><td class=\"num\">{}</td></tr>",
            esc(&b.label),
            esc(&b.text)
        );
    }
    html.push_str("</tbody></table></section>");
    html
}

impl Dashboards {
    pub fn new(ctx: Ctx) -> Self {
        Self { ctx }
    }

    /// The counts of the reader's municipality.
    pub async fn counts(&self, actor: &SessionUser) -> Result<(Dashboard, Vec<(String, u64)>), ApiError> {
        let home = Target::Municipality(actor.municipality_id);
        self.ctx.require(actor, Action::ViewIndicators, home).await?;
        let now = self.ctx.now();
        let cases = crate::indicators::figures_in(&self.ctx, Some(actor.municipality_id)).await?;
        let dash = dashboard(&cases, local_today(now));
        // Overdue follow-ups by kind: the stored list of the whole municipality.
        let mut overdue: BTreeMap<String, u64> = BTreeMap::new();
        let scope = crate::storage::CaseScope {
            municipality_id: actor.municipality_id,
            own_cases_of: None,
        };
        let stored = self.ctx.store.follow_ups_in(scope).await?;
        for f in stored.iter().filter_map(|row| as_of(row, now)) {
            if f.status == Status::Overdue {
                *overdue.entry(f.kind.family().to_string()).or_default() += 1;
            }
        }
        let mut overdue: Vec<(String, u64)> = overdue.into_iter().collect();
        overdue.sort_by_key(|x| std::cmp::Reverse(x.1));
        self.ctx
            .audit_by(actor, "dashboard.read", "municipality", None, String::new())
            .await?;
        Ok((dash, overdue))
    }

    /// The dashboard as an HTML fragment in the reader's language.
    pub async fn html(&self, actor: &SessionUser) -> Result<String, ApiError> {
        let (d, overdue) = self.counts(actor).await?;
        let words = crate::export::Words::of(&actor.locale);
        let w = |k: &str| words.get(k);
        let names: BTreeMap<Uuid, String> = self
            .ctx
            .store
            .users_in(actor.municipality_id)
            .await?
            .into_iter()
            .map(|u| (u.id, u.display_name))
            .collect();
        let institutions: BTreeMap<Uuid, String> = self
            .ctx
            .store
            .institutions(actor.municipality_id)
            .await?
            .into_iter()
            .map(|i| (i.id, i.name))
            .collect();
        let none = w("dash_nobody");
        let count = |n: u64| n.to_string();
        let mut html = String::from("<div class=\"dashboard\">");

        let load: Vec<Bar> = d
            .caseload
            .iter()
            .map(|(who, n)| Bar {
                label: who
                    .and_then(|id| names.get(&id).cloned())
                    .unwrap_or_else(|| none.clone()),
                value: *n as f64,
                text: count(*n),
            })
            .collect();
        let max = load.iter().map(|b| b.value).fold(0.0, f64::max);
        html += &section(
            "caseload",
            &w("dash_caseload"),
            (&w("exp_field_worker"), &w("dash_open_cases")),
            &load,
            max,
            &w("dash_nothing"),
        );

        let late: Vec<Bar> = overdue
            .iter()
            .map(|(kind, n)| Bar {
                label: w(&format!("fu_{kind}")),
                value: *n as f64,
                text: count(*n),
            })
            .collect();
        let max = late.iter().map(|b| b.value).fold(0.0, f64::max);
        html += &section(
            "overdue",
            &w("dash_overdue"),
            (&w("dash_kind"), &w("dash_count")),
            &late,
            max,
            &w("dash_nothing_overdue"),
        );

        let waiting = vec![
            Bar {
                label: w("dash_plans_waiting"),
                value: d.plans_waiting as f64,
                text: count(d.plans_waiting),
            },
            Bar {
                label: w("dash_closures_waiting"),
                value: d.closures_waiting as f64,
                text: count(d.closures_waiting),
            },
        ];
        let max = waiting.iter().map(|b| b.value).fold(0.0, f64::max);
        html += &section(
            "approvals",
            &w("dash_approvals"),
            (&w("dash_kind"), &w("dash_count")),
            &waiting,
            max,
            "",
        );

        let months: Vec<Bar> = d
            .first_visits
            .iter()
            .map(|m| {
                let pct = share(m.visited_in_72_hours, m.returns);
                Bar {
                    label: m.month.format("%Y-%m").to_string(),
                    value: pct.unwrap_or(0.0),
                    text: match pct {
                        Some(p) => format!(
                            "{}/{} · {}",
                            m.visited_in_72_hours,
                            m.returns,
                            app::i18n_support::percent_with(&|k: &str| words.get(k), p, 0)
                        ),
                        None => "—".into(),
                    },
                }
            })
            .collect();
        html += &section(
            "first-visits",
            &w("dash_first_visits"),
            (&w("dash_month"), &w("dash_in_72_hours")),
            &months,
            100.0,
            "",
        );

        let referrals: Vec<Bar> = d
            .overdue_referrals
            .iter()
            .map(|(inst, n)| Bar {
                label: inst
                    .and_then(|id| institutions.get(&id).cloned())
                    .unwrap_or_else(|| none.clone()),
                value: *n as f64,
                text: count(*n),
            })
            .collect();
        let max = referrals.iter().map(|b| b.value).fold(0.0, f64::max);
        html += &section(
            "referrals",
            &w("dash_referrals_overdue"),
            (&w("dash_institution"), &w("dash_count")),
            &referrals,
            max,
            &w("dash_nothing_overdue"),
        );

        let children = vec![
            Bar {
                label: w("m_children_at_risk"),
                value: d.children_at_risk as f64,
                text: count(d.children_at_risk),
            },
            Bar {
                label: w("m_children_at_risk_helped"),
                value: d.children_at_risk_helped as f64,
                text: count(d.children_at_risk_helped),
            },
        ];
        html += &section(
            "children",
            &w("dash_children"),
            (&w("dash_kind"), &w("dash_count")),
            &children,
            d.children_at_risk.max(1) as f64,
            "",
        );
        html.push_str("</div>");
        Ok(html)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_escaped_and_bars_scale_to_the_largest() {
        let rows = [
            Bar {
                label: "Arta <Krasniqi>".into(),
                value: 10.0,
                text: "10".into(),
            },
            Bar {
                label: "Драгана".into(),
                value: 5.0,
                text: "5".into(),
            },
        ];
        let html = section("x", "Load & more", ("Who", "How many"), &rows, 10.0, "none");
        assert!(html.contains("Arta &lt;Krasniqi&gt;"));
        assert!(html.contains("Load &amp; more"));
        assert!(html.contains("Драгана"));
        assert!(html.contains("width=\"150.0\""), "the largest bar is full");
        assert!(html.contains("width=\"75.0\""), "half of it is half as long");
        assert_eq!(
            section("x", "T", ("a", "b"), &[], 1.0, "nothing"),
            "<section class=\"dash\" data-testid=\"dash-x\"><h3>T</h3><p class=\"muted\">nothing</p></section>"
        );
    }
}
