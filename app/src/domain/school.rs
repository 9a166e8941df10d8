//! School inclusion: the early-warning rule that flags a child at risk of leaving school, from
//! the municipality's own thresholds. The plans give no numbers ("make them configurable"): the
//! defaults below are ours, named as defaults on the administrator's screen, and each
//! municipality may change them. The phone runs the rule to show the flag offline; the server
//! runs it to put a follow-up on the case worker's agenda.

use super::record::{Attendance, Schooling};
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// The window absences are counted in: the last 30 days.
pub const ABSENCE_WINDOW_DAYS: u64 = 30;

/// A school of the municipality's registry, with its classes (names in any script, as the
/// school writes them). Kept by the administrator; retired schools stay for the records that
/// name them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct School {
    pub id: uuid::Uuid,
    pub municipality_id: uuid::Uuid,
    pub name: String,
    pub classes: Vec<String>,
    #[serde(default)]
    pub retired: bool,
}

/// What the administrator sends to add or change a school.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchoolInput {
    pub name: String,
    #[serde(default)]
    pub classes: Vec<String>,
    #[serde(default)]
    pub retired: bool,
}

impl SchoolInput {
    /// Trimmed, with empty and repeated classes dropped; `None` with the reason when it cannot
    /// be kept (the reason is a field name for the translated message).
    pub fn cleaned(&self) -> Result<SchoolInput, &'static str> {
        let name = self.name.trim().to_string();
        if name.is_empty() || name.chars().count() > 200 {
            return Err("name");
        }
        let mut classes: Vec<String> = Vec::new();
        for c in &self.classes {
            let c = c.trim().to_string();
            if c.chars().count() > 40 || classes.len() >= 100 {
                return Err("classes");
            }
            if !c.is_empty() && !classes.contains(&c) {
                classes.push(c);
            }
        }
        Ok(SchoolInput {
            name,
            classes,
            retired: self.retired,
        })
    }
}

/// A municipality's early-warning thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Thresholds {
    /// Absent days within the last 30 days (over the periods entered) that flag a child.
    pub absent_days: u32,
    /// A run of consecutive absent school days that flags a child.
    pub absence_run: u32,
    /// Days after the return without an enrolment.
    pub not_enrolled_days: u32,
    /// Whether a repeated grade flags a child.
    pub repeated_grade: bool,
    /// Days a missing certificate may stay missing (not received).
    pub certificate_missing_days: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            absent_days: 5,
            absence_run: 3,
            not_enrolled_days: 30,
            repeated_grade: true,
            certificate_missing_days: 60,
        }
    }
}

impl Thresholds {
    /// The range every number may be set in.
    pub const RANGE: std::ops::RangeInclusive<u32> = 1..=365;

    /// The names of the numbers that are out of range.
    pub fn out_of_range(&self) -> Vec<&'static str> {
        [
            ("absent_days", self.absent_days),
            ("absence_run", self.absence_run),
            ("not_enrolled_days", self.not_enrolled_days),
            ("certificate_missing_days", self.certificate_missing_days),
        ]
        .into_iter()
        .filter(|(_, n)| !Self::RANGE.contains(n))
        .map(|(name, _)| name)
        .collect()
    }
}

/// The thresholds in force, and whether they are the defaults (the administrator's screen
/// names them so).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EarlyWarning {
    pub thresholds: Thresholds,
    pub defaults: bool,
}

/// Why a child is flagged, with the figures shown beside the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum RiskReason {
    Absences { days: u32, limit: u32 },
    AbsenceRun { days: u32, limit: u32 },
    NotEnrolled { days: u32, limit: u32 },
    RepeatedGrade,
    CertificateMissing { days: u32, limit: u32 },
    ByHand { note: String },
}

impl RiskReason {
    /// The stable code (the phone's text key is `risk_<code>`).
    pub fn code(&self) -> &'static str {
        match self {
            RiskReason::Absences { .. } => "absences",
            RiskReason::AbsenceRun { .. } => "absence_run",
            RiskReason::NotEnrolled { .. } => "not_enrolled",
            RiskReason::RepeatedGrade => "repeated_grade",
            RiskReason::CertificateMissing { .. } => "certificate_missing",
            RiskReason::ByHand { .. } => "by_hand",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Risk {
    pub reason: RiskReason,
    /// The day the reason first held (the case worker's follow-up counts from it).
    pub since: NaiveDate,
}

fn days_between(from: NaiveDate, to: NaiveDate) -> u32 {
    u32::try_from((to - from).num_days().max(0)).unwrap_or(u32::MAX)
}

fn n(v: Option<i64>) -> u32 {
    u32::try_from(v.unwrap_or(0).max(0)).unwrap_or(0)
}

/// Every reason the child is at risk on `today`, oldest first. A schooling that ended (the year
/// completed, moved, left) raises none: what happened is in its end.
pub fn risks(s: &Schooling, attendance: &[Attendance], t: &Thresholds, today: NaiveDate) -> Vec<Risk> {
    let mut out = Vec::new();
    if s.ended_on.is_some() {
        return out;
    }
    // Absences over the periods that ended in the last 30 days; the flag dates from the end of
    // the period that reached the threshold.
    let window_start = today - Days::new(ABSENCE_WINDOW_DAYS);
    let mut recent: Vec<&Attendance> = attendance
        .iter()
        .filter(|a| a.period_to.is_some_and(|to| to > window_start && to <= today))
        .collect();
    recent.sort_by_key(|a| a.period_to);
    let mut sum = 0;
    let mut reached = None;
    for a in &recent {
        sum += n(a.absent_days);
        if reached.is_none() && sum >= t.absent_days {
            reached = a.period_to;
        }
    }
    if let Some(since) = reached {
        out.push(Risk {
            reason: RiskReason::Absences {
                days: sum,
                limit: t.absent_days,
            },
            since,
        });
    }
    let run = recent
        .iter()
        .filter(|a| n(a.longest_absence_run) >= t.absence_run)
        .max_by_key(|a| (n(a.longest_absence_run), a.period_to));
    if let Some(a) = run {
        if let Some(since) = recent
            .iter()
            .find(|x| n(x.longest_absence_run) >= t.absence_run)
            .and_then(|x| x.period_to)
        {
            out.push(Risk {
                reason: RiskReason::AbsenceRun {
                    days: n(a.longest_absence_run),
                    limit: t.absence_run,
                },
                since,
            });
        }
    }
    if let (None, Some(returned)) = (s.enrolled_on, s.returned_on) {
        let days = days_between(returned, today);
        if days >= t.not_enrolled_days {
            out.push(Risk {
                reason: RiskReason::NotEnrolled {
                    days,
                    limit: t.not_enrolled_days,
                },
                since: returned + Days::new(u64::from(t.not_enrolled_days)),
            });
        }
    }
    if let (true, Some(true), Some(enrolled)) = (t.repeated_grade, s.repeated_grade, s.enrolled_on) {
        out.push(Risk {
            reason: RiskReason::RepeatedGrade,
            since: enrolled,
        });
    }
    if let (Some(missing), None, None) = (s.certificate_missing_since, s.certificate_received_on, s.nostrified_on) {
        let days = days_between(missing, today);
        if days >= t.certificate_missing_days {
            out.push(Risk {
                reason: RiskReason::CertificateMissing {
                    days,
                    limit: t.certificate_missing_days,
                },
                since: missing + Days::new(u64::from(t.certificate_missing_days)),
            });
        }
    }
    if s.at_risk_by_hand == Some(true) {
        out.push(Risk {
            reason: RiskReason::ByHand {
                note: s.at_risk_reason.clone().unwrap_or_default(),
            },
            since: s.at_risk_since.unwrap_or(today),
        });
    }
    out.sort_by_key(|r| r.since);
    out
}

/// The day a child was first flagged, if they are flagged at all.
pub fn flagged_since(risks: &[Risk]) -> Option<NaiveDate> {
    risks.iter().map(|r| r.since).min()
}

/// The school attendance line of a plan's monthly monitoring: for each child, the absences of
/// the periods that ended in `(from, to]`, as "name: absent/school days (first – last)".
/// Names stay as typed; figures and dates read the same in every language.
pub fn attendance_summary<'a>(
    children: impl IntoIterator<Item = (&'a Schooling, &'a [Attendance])>,
    from: NaiveDate,
    to: NaiveDate,
) -> String {
    let mut lines = Vec::new();
    for (s, attendance) in children {
        let periods: Vec<&Attendance> = attendance
            .iter()
            .filter(|a| a.period_to.is_some_and(|d| d > from && d <= to))
            .collect();
        if periods.is_empty() {
            continue;
        }
        let absent: i64 = periods.iter().filter_map(|a| a.absent_days).sum();
        let days: i64 = periods.iter().filter_map(|a| a.school_days).sum();
        let first = periods.iter().filter_map(|a| a.period_from).min();
        let last = periods.iter().filter_map(|a| a.period_to).max();
        let span = match (first, last) {
            (Some(a), Some(b)) => format!(" ({a} – {b})"),
            _ => String::new(),
        };
        lines.push(format!("{}: {absent}/{days}{span}", s.name()));
    }
    lines.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn enrolled() -> Schooling {
        Schooling {
            first_name: "Drita".into(),
            last_name: "Gashi".into(),
            returned_on: Some(d("2026-09-01")),
            enrolled_on: Some(d("2026-09-10")),
            ..Default::default()
        }
    }

    fn week(to: &str, absent: i64, run: i64) -> Attendance {
        let to = d(to);
        Attendance {
            schooling_id: None,
            period_from: Some(to - Days::new(4)),
            period_to: Some(to),
            school_days: Some(5),
            absent_days: Some(absent),
            longest_absence_run: Some(run),
        }
    }

    fn codes(r: &[Risk]) -> Vec<&'static str> {
        r.iter().map(|x| x.reason.code()).collect()
    }

    #[test]
    fn absences_in_the_last_thirty_days_reach_the_threshold() {
        let t = Thresholds::default();
        let today = d("2026-11-24");
        // 2 + 2 = 4 absent days: under 5.
        let weeks = [week("2026-11-13", 2, 1), week("2026-11-20", 2, 1)];
        assert!(risks(&enrolled(), &weeks, &t, today).is_empty());
        // A third week with 1 more reaches 5, dated from that week's end.
        let weeks = [
            week("2026-11-06", 1, 1),
            week("2026-11-13", 2, 1),
            week("2026-11-20", 2, 1),
        ];
        let r = risks(&enrolled(), &weeks, &t, today);
        assert_eq!(
            r,
            vec![Risk {
                reason: RiskReason::Absences { days: 5, limit: 5 },
                since: d("2026-11-20")
            }]
        );
        // Absences from before the window do not count: 4 days ended 2026-10-24, 30 days ago.
        let weeks = [week("2026-10-24", 4, 1), week("2026-11-20", 1, 1)];
        assert!(risks(&enrolled(), &weeks, &t, today).is_empty());
    }

    #[test]
    fn a_run_of_absent_days_flags_on_its_own() {
        let t = Thresholds::default();
        let r = risks(&enrolled(), &[week("2026-11-20", 3, 3)], &t, d("2026-11-24"));
        assert_eq!(
            r,
            vec![Risk {
                reason: RiskReason::AbsenceRun { days: 3, limit: 3 },
                since: d("2026-11-20")
            }]
        );
        assert!(risks(&enrolled(), &[week("2026-11-20", 3, 2)], &t, d("2026-11-24")).is_empty());
    }

    #[test]
    fn not_enrolled_thirty_days_after_the_return() {
        let t = Thresholds::default();
        let waiting = Schooling {
            enrolled_on: None,
            ..enrolled()
        };
        // Returned 2026-09-01: day 29 on 2026-09-30, day 30 on 2026-10-01.
        assert!(risks(&waiting, &[], &t, d("2026-09-30")).is_empty());
        assert_eq!(
            risks(&waiting, &[], &t, d("2026-10-01")),
            vec![Risk {
                reason: RiskReason::NotEnrolled { days: 30, limit: 30 },
                since: d("2026-10-01")
            }]
        );
    }

    #[test]
    fn a_repeated_grade_flags_unless_the_municipality_says_it_does_not() {
        let s = Schooling {
            repeated_grade: Some(true),
            ..enrolled()
        };
        assert_eq!(
            codes(&risks(&s, &[], &Thresholds::default(), d("2026-11-24"))),
            vec!["repeated_grade"]
        );
        let off = Thresholds {
            repeated_grade: false,
            ..Default::default()
        };
        assert!(risks(&s, &[], &off, d("2026-11-24")).is_empty());
    }

    #[test]
    fn a_certificate_missing_too_long_until_it_is_received() {
        let t = Thresholds::default();
        let s = Schooling {
            certificate_missing_since: Some(d("2026-09-10")),
            ..enrolled()
        };
        // 60 days after 2026-09-10 is 2026-11-09.
        assert!(risks(&s, &[], &t, d("2026-11-08")).is_empty());
        assert_eq!(
            risks(&s, &[], &t, d("2026-11-09")),
            vec![Risk {
                reason: RiskReason::CertificateMissing { days: 60, limit: 60 },
                since: d("2026-11-09")
            }]
        );
        let received = Schooling {
            certificate_received_on: Some(d("2026-11-01")),
            ..s
        };
        assert!(risks(&received, &[], &t, d("2026-11-24")).is_empty());
    }

    #[test]
    fn the_team_flags_by_hand_with_its_reason() {
        let s = Schooling {
            at_risk_by_hand: Some(true),
            at_risk_reason: Some("Works with his father at the market".into()),
            at_risk_since: Some(d("2026-11-18")),
            ..enrolled()
        };
        assert_eq!(
            risks(&s, &[], &Thresholds::default(), d("2026-11-24")),
            vec![Risk {
                reason: RiskReason::ByHand {
                    note: "Works with his father at the market".into()
                },
                since: d("2026-11-18")
            }]
        );
    }

    #[test]
    fn reasons_combine_oldest_first_and_an_ended_schooling_raises_none() {
        let t = Thresholds::default();
        let s = Schooling {
            repeated_grade: Some(true),
            certificate_missing_since: Some(d("2026-09-01")),
            ..enrolled()
        };
        let weeks = [week("2026-11-13", 3, 3), week("2026-11-20", 3, 2)];
        let r = risks(&s, &weeks, &t, d("2026-11-24"));
        // repeated grade since the enrolment (09-10), certificate since 10-31, run since 11-13,
        // absences (6 ≥ 5) since 11-20.
        assert_eq!(
            codes(&r),
            vec!["repeated_grade", "certificate_missing", "absence_run", "absences"]
        );
        assert_eq!(flagged_since(&r), Some(d("2026-09-10")));
        let ended = Schooling {
            ended_on: Some(d("2026-11-21")),
            end_reason: Some("moved".into()),
            ..s
        };
        assert!(risks(&ended, &weeks, &t, d("2026-11-24")).is_empty());
    }

    #[test]
    fn a_municipality_s_own_thresholds_replace_the_defaults() {
        let strict = Thresholds {
            absent_days: 2,
            absence_run: 10,
            ..Default::default()
        };
        let weeks = [week("2026-11-20", 2, 2)];
        assert!(risks(&enrolled(), &weeks, &Thresholds::default(), d("2026-11-24")).is_empty());
        assert_eq!(
            codes(&risks(&enrolled(), &weeks, &strict, d("2026-11-24"))),
            vec!["absences"]
        );
        assert_eq!(Thresholds::default().out_of_range(), Vec::<&str>::new());
        let bad = Thresholds {
            absent_days: 0,
            certificate_missing_days: 400,
            ..Default::default()
        };
        assert_eq!(bad.out_of_range(), vec!["absent_days", "certificate_missing_days"]);
    }

    #[test]
    fn the_monitoring_reads_each_childs_absences_of_the_month() {
        let a = enrolled();
        let b = Schooling {
            first_name: "Ђорђе".into(),
            last_name: "Bytyqi".into(),
            ..enrolled()
        };
        let (wa, wb) = (
            [
                week("2026-10-20", 4, 1),
                week("2026-11-06", 1, 1),
                week("2026-11-13", 2, 1),
            ],
            [week("2026-11-20", 0, 0)],
        );
        let got = attendance_summary([(&a, &wa[..]), (&b, &wb[..])], d("2026-10-24"), d("2026-11-24"));
        // The week ending 20 October is before the month: 1 + 2 of 5 + 5 days.
        assert_eq!(
            got,
            "Drita Gashi: 3/10 (2026-11-02 – 2026-11-13); Ђорђе Bytyqi: 0/5 (2026-11-16 – 2026-11-20)"
        );
        assert_eq!(
            attendance_summary([(&a, &[][..])], d("2026-10-24"), d("2026-11-24")),
            ""
        );
    }
}
