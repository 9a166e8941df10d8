//! The municipal plan's indicators: each has a baseline and a target per year, and an actual
//! computed from the case figures by its numerator and denominator ([`measure`]), or entered
//! by hand where the records cannot give it (trainings held, curricula revised).
//! The plans give no denominators: the product defines them and shows them next to every figure.

pub mod catalogue;
pub mod dashboard;
pub mod figures;
pub mod measure;

pub use figures::{CaseFigures, LiteracyFigure};
pub use measure::{Base, Measure, MeasureError, Tally};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use uuid::Uuid;

/// The days a report covers, both included, and the day it is made on (follow-ups whose day
/// has not come are not counted yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub today: NaiveDate,
}

impl Period {
    pub fn new(from: NaiveDate, to: NaiveDate, today: NaiveDate) -> Result<Self, IndicatorError> {
        if to < from {
            return Err(IndicatorError::PeriodEndsBeforeStart);
        }
        Ok(Self { from, to, today })
    }

    pub fn contains(&self, d: NaiveDate) -> bool {
        self.from <= d && d <= self.to
    }
}

/// A figure in the plan's own words in each language of the interface.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LocalText {
    pub sq: String,
    pub sr: String,
    pub tr: String,
    pub en: String,
}

impl LocalText {
    pub fn new([sq, sr, tr, en]: [&str; 4]) -> Self {
        Self {
            sq: sq.into(),
            sr: sr.into(),
            tr: tr.into(),
            en: en.into(),
        }
    }

    /// The text in the interface language `locale` (`sq`, `sr-Latn`, `tr`, `en`).
    pub fn get(&self, locale: &str) -> &str {
        match locale.split('-').next().unwrap_or_default() {
            "sr" => &self.sr,
            "tr" => &self.tr,
            "en" => &self.en,
            _ => &self.sq,
        }
    }
}

/// What an indicator's figure is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A percentage: numerator over denominator.
    Share,
    /// A number of things.
    Count,
}

/// One indicator of a municipal plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorDef {
    /// The product's own ID within the plan (the plans repeat their numbering).
    pub code: String,
    pub objective: LocalText,
    pub title: LocalText,
    pub unit: Unit,
    /// `None`: entered by hand.
    pub numerator: Option<String>,
    pub denominator: Option<String>,
    pub baseline: Option<f64>,
    /// Targets by year.
    pub targets: Vec<(i32, f64)>,
}

/// Why an indicator's definition or a report's request was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
pub enum IndicatorError {
    #[error("the period ends before it starts")]
    PeriodEndsBeforeStart,
    #[error(transparent)]
    Measure(#[from] MeasureError),
    #[error("a share needs a denominator")]
    ShareWithoutDenominator,
    #[error("a share's baseline and targets lie between 0 and 100 %: {0}")]
    ShareOutOfRange(f64),
    #[error("a count cannot be negative: {0}")]
    NegativeCount(f64),
    #[error("a target's year must be within 2000–2100: {0}")]
    TargetYear(i32),
    #[error("this indicator is computed from the records, not typed by hand")]
    ComputedFromRecords,
}

/// The figures an error carries came as JSON, which has no NaN: equality is total.
impl Eq for IndicatorError {}

impl IndicatorError {
    /// The code the phone and the office put into words.
    pub fn code(&self) -> &'static str {
        match self {
            IndicatorError::PeriodEndsBeforeStart => "period_ends_before_start",
            IndicatorError::Measure(MeasureError::Unknown(_)) => "unknown_measure",
            IndicatorError::Measure(MeasureError::BadNarrow { .. }) => "bad_measure_narrow",
            IndicatorError::ShareWithoutDenominator => "share_without_denominator",
            IndicatorError::ShareOutOfRange(_) => "share_out_of_range",
            IndicatorError::NegativeCount(_) => "negative_count",
            IndicatorError::TargetYear(_) => "target_year",
            IndicatorError::ComputedFromRecords => "computed_from_records",
        }
    }
}

impl IndicatorDef {
    /// The definition's measures, parsed; refused when one is unknown or a share lacks its
    /// denominator, or a baseline or target is out of range.
    pub fn check(&self) -> Result<(Option<Measure>, Option<Measure>), IndicatorError> {
        let numerator = self.numerator.as_deref().map(Measure::parse).transpose()?;
        let denominator = self.denominator.as_deref().map(Measure::parse).transpose()?;
        if self.unit == Unit::Share && numerator.is_some() && denominator.is_none() {
            return Err(IndicatorError::ShareWithoutDenominator);
        }
        for &v in self.baseline.iter().chain(self.targets.iter().map(|(_, v)| v)) {
            check_value(self.unit, v)?;
        }
        if let Some((y, _)) = self.targets.iter().find(|(y, _)| !(2000..=2100).contains(y)) {
            return Err(IndicatorError::TargetYear(*y));
        }
        Ok((numerator, denominator))
    }

    /// The target a period ending in `year` is held to: that year's, else the next year's that
    /// has one, else the plan's last.
    pub fn target_for(&self, year: i32) -> Option<(i32, f64)> {
        let mut t = self.targets.clone();
        t.sort_by_key(|(y, _)| *y);
        t.iter().find(|(y, _)| *y >= year).or(t.last()).copied()
    }
}

/// A figure typed by hand must fit the indicator's unit too.
pub fn check_value(unit: Unit, v: f64) -> Result<(), IndicatorError> {
    match unit {
        Unit::Share if !(0.0..=100.0).contains(&v) || v.is_nan() => Err(IndicatorError::ShareOutOfRange(v)),
        Unit::Count if v < 0.0 || v.is_nan() => Err(IndicatorError::NegativeCount(v)),
        _ => Ok(()),
    }
}

/// One line of the indicator report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorResult {
    pub code: String,
    pub objective: LocalText,
    pub title: LocalText,
    pub unit: Unit,
    pub numerator_code: Option<String>,
    pub denominator_code: Option<String>,
    pub numerator: Option<u64>,
    pub denominator: Option<u64>,
    /// The share in % (one decimal) or the count; `None` when a share's denominator is 0 or a
    /// figure to be typed by hand was not.
    pub actual: Option<f64>,
    pub baseline: Option<f64>,
    pub target: Option<(i32, f64)>,
    /// Actual minus target: negative when short of it.
    pub gap: Option<f64>,
    pub by_hand: bool,
    /// The cases behind the numerator and the denominator (for the drill-down; never sent
    /// outside the municipality).
    #[serde(skip)]
    pub numerator_cases: BTreeSet<Uuid>,
    #[serde(skip)]
    pub denominator_cases: BTreeSet<Uuid>,
}

/// Share in %, rounded to one decimal.
pub fn share(numerator: u64, denominator: u64) -> Option<f64> {
    (denominator > 0).then(|| (numerator as f64 * 1000.0 / denominator as f64).round() / 10.0)
}

/// Every indicator of a plan for a period: computed from the figures, or the value typed by
/// hand (`by_hand(code)`). A definition that does not parse was refused when it was saved; here
/// it yields no figure rather than a wrong one.
pub fn report(
    defs: &[IndicatorDef],
    cases: &[CaseFigures],
    literacy: &[LiteracyFigure],
    by_hand: impl Fn(&str) -> Option<f64>,
    p: &Period,
) -> Vec<IndicatorResult> {
    defs.iter()
        .map(|d| {
            let measures = d.check().ok();
            let (num, den) = match &measures {
                Some((Some(n), den)) => (
                    Some(n.count(cases, literacy, p)),
                    den.as_ref().map(|m| m.count(cases, literacy, p)),
                ),
                _ => (None, None),
            };
            let hand = d.numerator.is_none();
            let actual = if hand {
                by_hand(&d.code)
            } else {
                match (d.unit, &num, &den) {
                    (Unit::Share, Some(n), Some(m)) => share(n.count, m.count),
                    (Unit::Count, Some(n), _) => Some(n.count as f64),
                    _ => None,
                }
            };
            let target = d.target_for(p.to.year());
            let gap = match (actual, target) {
                (Some(a), Some((_, t))) => Some(((a - t) * 10.0).round() / 10.0),
                _ => None,
            };
            IndicatorResult {
                code: d.code.clone(),
                objective: d.objective.clone(),
                title: d.title.clone(),
                unit: d.unit,
                numerator_code: d.numerator.clone(),
                denominator_code: d.denominator.clone(),
                numerator: num.as_ref().map(|t| t.count),
                denominator: den.as_ref().map(|t| t.count),
                actual,
                baseline: d.baseline,
                target,
                gap,
                by_hand: hand,
                numerator_cases: num.map(|t| t.cases).unwrap_or_default(),
                denominator_cases: den.map(|t| t.cases).unwrap_or_default(),
            }
        })
        .collect()
}

/// A municipal plan, as listed for choosing one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanSummary {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub starts_year: i32,
    pub ends_year: i32,
}

/// A plan to start from: Obiliq's objectives or Prizren's plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateSummary {
    pub code: String,
    pub name: String,
    pub starts_year: i32,
    pub ends_year: i32,
}

/// The administrator gives the municipality a plan from a template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Adopt {
    pub template: String,
}

/// The indicator report of a plan for a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub plan: PlanSummary,
    pub municipality: String,
    pub period: Period,
    pub rows: Vec<IndicatorResult>,
}

/// Which side of a figure the cases behind it come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Numerator,
    Denominator,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Numerator => "numerator",
            Side::Denominator => "denominator",
        }
    }
}

/// The query naming the cases behind a figure (the list's route and its downloads').
pub fn cases_query(code: &str, side: Side, from: NaiveDate, to: NaiveDate) -> String {
    format!("code={code}&side={}&from={from}&to={to}", side.as_str())
}

/// One case behind a figure, as far as the reader may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseBehind {
    pub case_id: Uuid,
    /// The first person registered in the case, as typed.
    pub name: String,
    pub village: String,
    pub field_worker: String,
    pub returned_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
}

/// The cases behind a figure: those the reader may see, and how many others there are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CasesBehind {
    pub cases: Vec<CaseBehind>,
    /// Cases counted in the figure that the reader may not open (another worker's, restricted).
    pub hidden: u64,
}

/// Below this, a count is not shown outside its municipality ("<5"): a handful of cases in a
/// village can name a family.
pub const SMALL_NUMBER: u64 = 5;

/// A count as shown outside the municipality.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Shown {
    Count(u64),
    /// 1 to [`SMALL_NUMBER`] − 1.
    Few,
}

impl Shown {
    pub fn of(n: u64) -> Self {
        if n > 0 && n < SMALL_NUMBER {
            Shown::Few
        } else {
            Shown::Count(n)
        }
    }
}

/// One municipality's figure in the national view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NationalCell {
    pub numerator: Option<Shown>,
    pub denominator: Option<Shown>,
    /// Hidden when either count is few (the share would give it away).
    pub actual: Option<f64>,
    pub target: Option<(i32, f64)>,
}

impl NationalCell {
    pub fn of(r: &IndicatorResult) -> Self {
        let numerator = r.numerator.map(Shown::of);
        let denominator = r.denominator.map(Shown::of);
        let few = numerator == Some(Shown::Few) || denominator == Some(Shown::Few);
        Self {
            numerator,
            denominator,
            actual: if few { None } else { r.actual },
            target: r.target,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NationalRow {
    pub code: String,
    pub title: LocalText,
    pub unit: Unit,
    /// One per municipality, in the view's order; `None` where its plan lacks the indicator.
    pub cells: Vec<Option<NationalCell>>,
}

/// Every municipality's indicators side by side: aggregates only, no case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NationalView {
    pub period: Period,
    /// Each municipality's name and the plan its figures follow (`None`: it has none).
    pub municipalities: Vec<(String, Option<String>)>,
    pub rows: Vec<NationalRow>,
}

/// The plan a period is reported against: the one whose years hold the period's end, else the
/// latest that started before it, else the first.
pub fn plan_for<P>(plans: &[P], year: i32, years: impl Fn(&P) -> (i32, i32)) -> Option<&P> {
    plans
        .iter()
        .find(|p| {
            let (a, b) = years(p);
            a <= year && year <= b
        })
        .or_else(|| plans.iter().filter(|p| years(p).0 <= year).max_by_key(|p| years(p).0))
        .or(plans.first())
}

/// A municipality's name with its plan's name and report, if it has a plan.
pub type MunicipalityReport = (String, Option<(String, Vec<IndicatorResult>)>);

/// The national view from each municipality's report (`None`: no plan), in that order.
pub fn national(period: Period, reports: Vec<MunicipalityReport>) -> NationalView {
    let mut rows: Vec<NationalRow> = Vec::new();
    let n = reports.len();
    for (i, (_, report)) in reports.iter().enumerate() {
        for r in report.iter().flat_map(|(_, rows)| rows) {
            let at = match rows.iter().position(|x| x.code == r.code) {
                Some(at) => at,
                None => {
                    rows.push(NationalRow {
                        code: r.code.clone(),
                        title: r.title.clone(),
                        unit: r.unit,
                        cells: vec![None; n],
                    });
                    rows.len() - 1
                }
            };
            rows[at].cells[i] = Some(NationalCell::of(r));
        }
    }
    NationalView {
        period,
        municipalities: reports
            .into_iter()
            .map(|(name, r)| (name, r.map(|(plan, _)| plan)))
            .collect(),
        rows,
    }
}

#[cfg(test)]
mod tests;
