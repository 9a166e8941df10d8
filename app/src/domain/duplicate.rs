//! The same person registered twice: by personal number, or by birth date and names that match
//! after folding diacritics and script, allowing one typing slip. A match is only a suggestion
//! for a person to merge or dismiss.

use super::text::fold;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchFacts {
    pub first_name: String,
    pub last_name: String,
    pub birth_date: Option<NaiveDate>,
    pub personal_number: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchReason {
    PersonalNumber,
    NamesAndBirthDate,
}

fn digits(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_uppercase()
}

/// Levenshtein distance, bounded: stops counting past `limit`.
fn distance_within(a: &str, b: &str, limit: usize) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > limit {
        return false;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut row = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            row[j + 1] = (prev[j] + usize::from(ca != cb)).min(prev[j + 1] + 1).min(row[j] + 1);
        }
        if row.iter().min().copied().unwrap_or(0) > limit {
            return false;
        }
        prev = row;
    }
    prev[b.len()] <= limit
}

/// Names match when they fold to the same text, or (names of five letters or more) differ by
/// one letter typed wrong, missing or extra.
pub fn names_match(a: &str, b: &str) -> bool {
    let (a, b) = (fold(a).replace(['-', '\''], " "), fold(b).replace(['-', '\''], " "));
    a == b || (a.chars().count().min(b.chars().count()) >= 5 && distance_within(&a, &b, 1))
}

pub fn same_person(a: &MatchFacts, b: &MatchFacts) -> Option<MatchReason> {
    if let (Some(x), Some(y)) = (&a.personal_number, &b.personal_number) {
        let (x, y) = (digits(x), digits(y));
        if !x.is_empty() && x == y {
            return Some(MatchReason::PersonalNumber);
        }
    }
    let same_day = a.birth_date.is_some() && a.birth_date == b.birth_date;
    (same_day && names_match(&a.first_name, &b.first_name) && names_match(&a.last_name, &b.last_name))
        .then_some(MatchReason::NamesAndBirthDate)
}

/// A member as a duplicate suggestion shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberSummary {
    pub id: uuid::Uuid,
    pub case_id: uuid::Uuid,
    pub first_name: String,
    pub last_name: String,
    pub birth_date: Option<NaiveDate>,
    pub personal_number: Option<String>,
}

/// Two members who may be the same person, waiting for a person to decide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuplicateView {
    pub id: uuid::Uuid,
    pub reason: MatchReason,
    pub member: MemberSummary,
    pub other: MemberSummary,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(first: &str, last: &str, born: &str, number: Option<&str>) -> MatchFacts {
        MatchFacts {
            first_name: first.into(),
            last_name: last.into(),
            birth_date: NaiveDate::parse_from_str(born, "%Y-%m-%d").ok(),
            personal_number: number.map(str::to_string),
        }
    }

    #[test]
    fn albanian_serbian_cyrillic_and_turkish_spellings_meet() {
        let d = "1984-03-02";
        assert!(same_person(&p("Shpëtim", "Krasniqi", d, None), &p("Shpetim", "KRASNIQI", d, None)).is_some());
        assert!(same_person(&p("Đorđe", "Petrović", d, None), &p("Ђорђе", "Петровић", d, None)).is_some());
        assert!(same_person(&p("Džemail", "Šabani", d, None), &p("Dzemail", "Sabani", d, None)).is_some());
        assert!(same_person(&p("Gönül", "Yılmaz", d, None), &p("Gonul", "Yilmaz", d, None)).is_some());
        // One slip of the keyboard.
        assert!(same_person(&p("Mirjeta", "Berisha", d, None), &p("Mirjetta", "Berisha", d, None)).is_some());
    }

    #[test]
    fn different_people_do_not_match() {
        let d = "1984-03-02";
        assert!(same_person(&p("Arben", "Gashi", d, None), &p("Arben", "Gashi", "1984-03-03", None)).is_none());
        assert!(same_person(&p("Ana", "Gashi", d, None), &p("Ena", "Gashi", d, None)).is_none());
        assert!(same_person(&p("Arben", "Gashi", d, None), &p("Arben", "Hoxha", d, None)).is_none());
        assert!(same_person(&p("A", "B", "", Some("")), &p("C", "D", "", Some(""))).is_none());
    }

    #[test]
    fn the_personal_number_decides_alone() {
        let a = p("Arben", "Gashi", "1990-01-01", Some("1234 567 890"));
        let b = p("Besnik", "Hoxha", "1991-01-01", Some("1234567890"));
        assert_eq!(same_person(&a, &b), Some(MatchReason::PersonalNumber));
    }
}
