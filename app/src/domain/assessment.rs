//! The needs-assessment form (FVN / OPP / İhtiyaç Değerlendirme Formu), as versioned data.
//!
//! Answers name the form version they were given under, and are always checked against that
//! version: a new version is added to [`FORMS`], never edited in place, so old answers stay valid.
//!
//! Answers are JSON:
//! `{"household": {question: value}, "members": {member_id: {question: value}}, "needs": [...]}`.
//! Household questions are asked once; child questions for each member under 18 on the day of
//! the assessment, adult questions for each member of 18 or more.

use super::problem::{FieldError, Problem};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Household,
    Child,
    Adult,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    YesNo,
    Choice(&'static [&'static str]),
    Text,
    Number { min: i64, max: i64 },
}

/// Skip logic: the question is asked only when another question of the same scope (household,
/// or the same person) has this answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    Is(&'static str, &'static str),
    IsYes(&'static str),
    IsNo(&'static str),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Question {
    /// Also the translation key suffix: the label is `q_<key>`.
    pub key: &'static str,
    pub section: Section,
    pub scope: Scope,
    pub answer: Answer,
    pub required: bool,
    pub show_if: Option<Condition>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    CivilDocuments,
    Housing,
    Schooling,
    Health,
    Psychosocial,
    Work,
    SocialAssistance,
    Agriculture,
}

impl Section {
    pub const ALL: [Section; 8] = [
        Section::CivilDocuments,
        Section::Housing,
        Section::Schooling,
        Section::Health,
        Section::Psychosocial,
        Section::Work,
        Section::SocialAssistance,
        Section::Agriculture,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Section::CivilDocuments => "civil_documents",
            Section::Housing => "housing",
            Section::Schooling => "schooling",
            Section::Health => "health",
            Section::Psychosocial => "psychosocial",
            Section::Work => "work",
            Section::SocialAssistance => "social_assistance",
            Section::Agriculture => "agriculture",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

pub const PRIORITIES: &[&str] = &["high", "medium", "low"];
pub const TENURES: &[&str] = &["owned", "rented", "with_relatives", "collective_centre", "none"];
pub const CONDITIONS: &[&str] = &["good", "needs_repair", "uninhabitable"];
pub const INSTRUCTION_LANGUAGES: &[&str] = &["sq", "sr", "tr", "bs", "other"];
pub const MAX_NEEDS: usize = 40;

pub struct FormDef {
    pub version: i64,
    /// A version is the questions of its parts in order: a new version lists the parts of the
    /// one before and adds its own, so nothing published is copied or edited.
    pub parts: &'static [&'static [Question]],
}

const fn q(
    key: &'static str,
    section: Section,
    scope: Scope,
    answer: Answer,
    required: bool,
    show_if: Option<Condition>,
) -> Question {
    Question {
        key,
        section,
        scope,
        answer,
        required,
        show_if,
    }
}

use Answer::{Choice, Number, Text, YesNo};
use Condition::{Is, IsNo, IsYes};
use Scope::{Adult, Child, Household};
use Section::*;

const V1: &[Question] = &[
    q("documents_complete", CivilDocuments, Household, YesNo, true, None),
    q(
        "documents_missing",
        CivilDocuments,
        Household,
        Text,
        true,
        Some(IsNo("documents_complete")),
    ),
    q("housing_tenure", Housing, Household, Choice(TENURES), true, None),
    q("housing_condition", Housing, Household, Choice(CONDITIONS), true, None),
    q(
        "monthly_rent",
        Housing,
        Household,
        Number { min: 0, max: 100_000 },
        true,
        Some(Is("housing_tenure", "rented")),
    ),
    q("housing_at_risk", Housing, Household, YesNo, true, None),
    q("school_enrolled", Schooling, Child, YesNo, true, None),
    q(
        "school_grade",
        Schooling,
        Child,
        Number { min: 0, max: 13 },
        true,
        Some(IsYes("school_enrolled")),
    ),
    q(
        "instruction_language",
        Schooling,
        Child,
        Choice(INSTRUCTION_LANGUAGES),
        true,
        Some(IsYes("school_enrolled")),
    ),
    q(
        "not_enrolled_reason",
        Schooling,
        Child,
        Text,
        true,
        Some(IsNo("school_enrolled")),
    ),
    q("certificates_missing", Schooling, Child, YesNo, true, None),
    q("chronic_illness", Health, Household, YesNo, true, None),
    q("disability", Health, Household, YesNo, true, None),
    q("health_notes", Health, Household, Text, false, None),
    q("psychosocial_signs", Psychosocial, Household, YesNo, true, None),
    q(
        "psychosocial_notes",
        Psychosocial,
        Household,
        Text,
        true,
        Some(IsYes("psychosocial_signs")),
    ),
    q("employed", Work, Adult, YesNo, true, None),
    q("skills", Work, Adult, Text, false, None),
    q(
        "employment_office_registered",
        Work,
        Adult,
        YesNo,
        true,
        Some(IsNo("employed")),
    ),
    q("receives_assistance", SocialAssistance, Household, YesNo, true, None),
    q(
        "assistance_scheme",
        SocialAssistance,
        Household,
        Text,
        true,
        Some(IsYes("receives_assistance")),
    ),
    q("has_land", Agriculture, Household, YesNo, true, None),
    q(
        "farming_interest",
        Agriculture,
        Household,
        YesNo,
        false,
        Some(IsYes("has_land")),
    ),
];

/// Added in version 2: whether the programme pays the rent (it sets the 12-month housing review).
const V2_ADDED: &[Question] = &[q(
    "rent_paid_by_programme",
    Housing,
    Household,
    YesNo,
    true,
    Some(Is("housing_tenure", "rented")),
)];

/// Every version ever published, oldest first. Append; never edit a published version.
pub const FORMS: &[FormDef] = &[
    FormDef {
        version: 1,
        parts: &[V1],
    },
    FormDef {
        version: 2,
        parts: &[V1, V2_ADDED],
    },
];

pub fn current() -> &'static FormDef {
    &FORMS[FORMS.len() - 1]
}

pub fn form(version: i64) -> Option<&'static FormDef> {
    FORMS.iter().find(|f| f.version == version)
}

/// What the form needs to know of a household member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberFacts {
    pub id: Uuid,
    pub birth_date: Option<NaiveDate>,
}

impl MemberFacts {
    /// Adult (18 or more) on `day`; a person whose birth date is unknown counts as an adult.
    pub fn is_adult_on(&self, day: NaiveDate) -> bool {
        self.birth_date.is_none_or(|b| day.years_since(b).unwrap_or(0) >= 18)
    }
}

/// One identified need, with its priority.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Need {
    pub section: Section,
    pub priority: String,
    #[serde(default)]
    pub note: String,
}

impl FormDef {
    pub fn questions(&self) -> impl Iterator<Item = &'static Question> + '_ {
        self.parts.iter().flat_map(|p| p.iter())
    }

    pub fn questions_for(&self, scope: Scope) -> impl Iterator<Item = &'static Question> + '_ {
        self.questions().filter(move |q| q.scope == scope)
    }

    fn question(&self, scope: Scope, key: &str) -> Option<&'static Question> {
        self.questions().find(|q| q.scope == scope && q.key == key)
    }
}

/// Whether `question` is asked, given the other answers of the same scope.
pub fn is_shown(question: &Question, answers: &Map<String, Value>) -> bool {
    match question.show_if {
        None => true,
        Some(Is(key, value)) => answers.get(key).and_then(Value::as_str) == Some(value),
        Some(IsYes(key)) => answers.get(key).and_then(Value::as_bool) == Some(true),
        Some(IsNo(key)) => answers.get(key).and_then(Value::as_bool) == Some(false),
    }
}

fn check_answer(kind: Answer, value: &Value) -> Result<(), Problem> {
    match kind {
        YesNo => value.as_bool().map(|_| ()).ok_or(Problem::WrongType),
        Choice(choices) => match value.as_str() {
            Some(s) if choices.contains(&s) => Ok(()),
            Some(_) => Err(Problem::NotAChoice),
            None => Err(Problem::WrongType),
        },
        Text => match value.as_str() {
            Some(s) if s.chars().count() > 2000 => Err(Problem::TooLong),
            Some(_) => Ok(()),
            None => Err(Problem::WrongType),
        },
        Number { min, max } => match value.as_i64() {
            Some(n) if (min..=max).contains(&n) => Ok(()),
            Some(_) => Err(Problem::OutOfRange),
            None => Err(Problem::WrongType),
        },
    }
}

fn blank(v: Option<&Value>) -> bool {
    super::record::is_blank(v)
}

fn check_scope(form: &FormDef, scope: Scope, answers: &Map<String, Value>, prefix: &str, errors: &mut Vec<FieldError>) {
    for (key, value) in answers {
        let path = format!("{prefix}.{key}");
        let Some(question) = form.question(scope, key) else {
            errors.push(FieldError::new(path, Problem::Unknown));
            continue;
        };
        if value.is_null() {
            continue;
        }
        if !is_shown(question, answers) {
            errors.push(FieldError::new(path, Problem::Hidden));
        } else if let Err(p) = check_answer(question.answer, value) {
            errors.push(FieldError::new(path, p));
        }
    }
    for question in form.questions_for(scope) {
        if question.required && is_shown(question, answers) && blank(answers.get(question.key)) {
            errors.push(FieldError::new(format!("{prefix}.{}", question.key), Problem::Required));
        }
    }
}

/// Checks answers given under form `version` for a household with `members`. Errors name the
/// answer by path: `answers.household.<q>`, `answers.members.<id>.<q>`, `answers.needs.<i>`.
/// A child is a member under 18 on the day the answers were given (`on`).
pub fn validate_on(version: i64, answers: &Value, members: &[MemberFacts], on: NaiveDate) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let Some(form) = form(version) else {
        return vec![FieldError::new("form_version", Problem::NotAChoice)];
    };
    let Some(root) = answers.as_object() else {
        return vec![FieldError::new("answers", Problem::WrongType)];
    };
    for key in root.keys() {
        if !["household", "members", "needs"].contains(&key.as_str()) {
            errors.push(FieldError::new(format!("answers.{key}"), Problem::Unknown));
        }
    }
    let empty = Map::new();
    match root.get("household") {
        None => check_scope(form, Household, &empty, "answers.household", &mut errors),
        Some(Value::Object(h)) => check_scope(form, Household, h, "answers.household", &mut errors),
        Some(_) => errors.push(FieldError::new("answers.household", Problem::WrongType)),
    }
    let by_member = match root.get("members") {
        None => &empty,
        Some(Value::Object(m)) => m,
        Some(_) => {
            errors.push(FieldError::new("answers.members", Problem::WrongType));
            &empty
        }
    };
    for id in by_member.keys() {
        let known = Uuid::parse_str(id)
            .ok()
            .is_some_and(|id| members.iter().any(|m| m.id == id));
        if !known {
            errors.push(FieldError::new(format!("answers.members.{id}"), Problem::UnknownMember));
        }
    }
    for member in members {
        let scope = if member.is_adult_on(on) { Adult } else { Child };
        let key = member.id.to_string();
        let prefix = format!("answers.members.{key}");
        match by_member.get(&key) {
            None => check_scope(form, scope, &empty, &prefix, &mut errors),
            Some(Value::Object(a)) => check_scope(form, scope, a, &prefix, &mut errors),
            Some(_) => errors.push(FieldError::new(prefix, Problem::WrongType)),
        }
    }
    match root.get("needs") {
        None => {}
        Some(Value::Array(needs)) if needs.len() <= MAX_NEEDS => {
            for (i, need) in needs.iter().enumerate() {
                let ok = serde_json::from_value::<Need>(need.clone())
                    .ok()
                    .filter(|n| PRIORITIES.contains(&n.priority.as_str()) && n.note.chars().count() <= 2000);
                if ok.is_none() {
                    errors.push(FieldError::new(format!("answers.needs.{i}"), Problem::WrongType));
                }
            }
        }
        Some(Value::Array(_)) => errors.push(FieldError::new("answers.needs", Problem::TooLong)),
        Some(_) => errors.push(FieldError::new("answers.needs", Problem::WrongType)),
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn family() -> (MemberFacts, MemberFacts) {
        let adult = MemberFacts {
            id: Uuid::now_v7(),
            birth_date: Some(day("1985-05-01")),
        };
        let child = MemberFacts {
            id: Uuid::now_v7(),
            birth_date: Some(day("2015-09-10")),
        };
        (adult, child)
    }

    fn complete(adult: &MemberFacts, child: &MemberFacts) -> Value {
        json!({
            "household": {
                "documents_complete": false, "documents_missing": "Birth certificate of the child",
                "housing_tenure": "rented", "housing_condition": "needs_repair", "monthly_rent": 120,
                "housing_at_risk": true, "chronic_illness": false, "disability": false,
                "psychosocial_signs": false, "receives_assistance": false, "has_land": false
            },
            "members": {
                adult.id.to_string(): { "employed": false, "employment_office_registered": false, "skills": "mason" },
                child.id.to_string(): {
                    "school_enrolled": true, "school_grade": 5, "instruction_language": "sq",
                    "certificates_missing": true
                }
            },
            "needs": [{ "section": "housing", "priority": "high", "note": "rent ends in March" }]
        })
    }

    #[test]
    fn a_complete_assessment_passes() {
        let (a, c) = family();
        assert_eq!(validate_on(1, &complete(&a, &c), &[a, c], day("2026-11-20")), vec![]);
    }

    #[test]
    fn version_2_asks_who_pays_the_rent_and_version_1_answers_stay_valid() {
        let (a, c) = family();
        let v1 = complete(&a, &c);
        assert_eq!(current().version, 2);
        assert_eq!(
            validate_on(2, &v1, &[a, c], day("2026-11-20")),
            vec![FieldError::new(
                "answers.household.rent_paid_by_programme",
                Problem::Required
            )]
        );
        assert_eq!(validate_on(1, &v1, &[a, c], day("2026-11-20")), vec![]);
        let mut v2 = v1.clone();
        v2["household"]["rent_paid_by_programme"] = json!(true);
        assert_eq!(validate_on(2, &v2, &[a, c], day("2026-11-20")), vec![]);
        assert_eq!(
            validate_on(1, &v2, &[a, c], day("2026-11-20")),
            vec![FieldError::new(
                "answers.household.rent_paid_by_programme",
                Problem::Unknown
            )]
        );
    }

    #[test]
    fn skip_logic_requires_shown_and_refuses_hidden_answers() {
        let (a, c) = family();
        let mut answers = complete(&a, &c);
        let h = answers["household"].as_object_mut().unwrap();
        h.remove("monthly_rent");
        h.insert("psychosocial_notes".into(), json!("sleeps badly"));
        let errors = validate_on(1, &answers, &[a, c], day("2026-11-20"));
        assert_eq!(
            errors,
            vec![
                FieldError::new("answers.household.psychosocial_notes", Problem::Hidden),
                FieldError::new("answers.household.monthly_rent", Problem::Required),
            ]
        );
    }

    #[test]
    fn children_and_adults_get_their_own_questions() {
        let (a, c) = family();
        let mut answers = complete(&a, &c);
        // The child turns 18 before the assessment day: now adult questions are required.
        let errors = validate_on(1, &answers, &[a, c], day("2033-09-10"));
        assert!(errors
            .iter()
            .any(|e| e.field.ends_with(".employed") && e.problem == Problem::Required));
        assert!(errors
            .iter()
            .any(|e| e.field.ends_with(".school_enrolled") && e.problem == Problem::Unknown));
        answers["members"]
            .as_object_mut()
            .unwrap()
            .insert(Uuid::now_v7().to_string(), json!({}));
        let errors = validate_on(1, &answers, &[a, c], day("2026-11-20"));
        assert!(errors.iter().any(|e| e.problem == Problem::UnknownMember));
    }

    #[test]
    fn wrong_types_unknown_versions_and_bad_needs_are_named() {
        let (a, c) = family();
        let mut answers = complete(&a, &c);
        answers["household"]["housing_condition"] = json!("palace");
        answers["household"]["has_land"] = json!("yes");
        answers["needs"] = json!([{ "section": "housing", "priority": "urgent" }]);
        let errors = validate_on(1, &answers, &[a, c], day("2026-11-20"));
        let problems: Vec<_> = errors.iter().map(|e| (e.field.as_str(), e.problem)).collect();
        assert!(problems.contains(&("answers.household.housing_condition", Problem::NotAChoice)));
        assert!(problems.contains(&("answers.household.has_land", Problem::WrongType)));
        assert!(problems.contains(&("answers.needs.0", Problem::WrongType)));
        assert_eq!(
            validate_on(99, &answers, &[a, c], day("2026-11-20"))[0].field,
            "form_version"
        );
    }

    #[test]
    fn published_versions_are_unique_and_ordered() {
        for pair in FORMS.windows(2) {
            assert!(pair[0].version < pair[1].version);
        }
        for form in FORMS {
            for q in form.questions() {
                if let Some(Is(k, _) | IsYes(k) | IsNo(k)) = q.show_if {
                    assert!(form.question(q.scope, k).is_some(), "{} depends on unknown {k}", q.key);
                }
            }
        }
    }
}
