//! Text folding for search and duplicate detection: the same name typed as "Krasniqi",
//! "KRASNIQİ", "Krasniqí" or in Serbian Cyrillic "Красниqи" must meet.
//!
//! Folding lowercases, drops combining marks and diacritics of the Latin letters used in
//! Albanian, Serbian, Bosnian and Turkish, and transliterates Serbian Cyrillic to the Latin
//! alphabet (đ and ђ both become "dj", as people type them without the special keyboard).

/// The folded form of `s`: lowercase ASCII for every letter the product's languages use;
/// runs of whitespace become one space and the ends are trimmed.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        // Combining marks (U+0300–U+036F) follow a base letter in decomposed input: drop them.
        if ('\u{300}'..='\u{36f}').contains(&c) {
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        match fold_char(c) {
            Some(s) => out.push_str(s),
            None => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// True when every word of `query` starts a word of `text` (both folded), so "kras ar" finds
/// "Arben Krasniqi".
pub fn matches(text: &str, query: &str) -> bool {
    let text = fold(text);
    let words: Vec<&str> = text.split(' ').collect();
    fold(query)
        .split(' ')
        .filter(|q| !q.is_empty())
        .all(|q| words.iter().any(|w| w.starts_with(q)))
}

fn fold_char(c: char) -> Option<&'static str> {
    Some(match c {
        'A'..='Z' => return None,
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ă' | 'ą' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'Ă' | 'Ą' => {
            "a"
        }
        'ç' | 'ć' | 'č' | 'Ç' | 'Ć' | 'Č' => "c",
        'đ' | 'Đ' => "dj",
        'è' | 'é' | 'ê' | 'ë' | 'ě' | 'ę' | 'È' | 'É' | 'Ê' | 'Ë' | 'Ě' | 'Ę' => "e",
        'ğ' | 'Ğ' => "g",
        'ì' | 'í' | 'î' | 'ï' | 'ı' | 'İ' | 'Ì' | 'Í' | 'Î' | 'Ï' => "i",
        'ñ' | 'ń' | 'Ñ' | 'Ń' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ő' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ő' => "o",
        'ř' | 'Ř' => "r",
        'ś' | 'š' | 'ş' | 'Ś' | 'Š' | 'Ş' => "s",
        'ù' | 'ú' | 'û' | 'ü' | 'ű' | 'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ű' => "u",
        'ý' | 'ÿ' | 'Ý' => "y",
        'ź' | 'ż' | 'ž' | 'Ź' | 'Ż' | 'Ž' => "z",
        // Serbian Cyrillic, upper and lower case.
        'а' | 'А' => "a",
        'б' | 'Б' => "b",
        'в' | 'В' => "v",
        'г' | 'Г' => "g",
        'д' | 'Д' => "d",
        'ђ' | 'Ђ' => "dj",
        'е' | 'Е' => "e",
        'ж' | 'Ж' => "z",
        'з' | 'З' => "z",
        'и' | 'И' => "i",
        'ј' | 'Ј' => "j",
        'к' | 'К' => "k",
        'л' | 'Л' => "l",
        'љ' | 'Љ' => "lj",
        'м' | 'М' => "m",
        'н' | 'Н' => "n",
        'њ' | 'Њ' => "nj",
        'о' | 'О' => "o",
        'п' | 'П' => "p",
        'р' | 'Р' => "r",
        'с' | 'С' => "s",
        'т' | 'Т' => "t",
        'ћ' | 'Ћ' => "c",
        'у' | 'У' => "u",
        'ф' | 'Ф' => "f",
        'х' | 'Х' => "h",
        'ц' | 'Ц' => "c",
        'ч' | 'Ч' => "c",
        'џ' | 'Џ' => "dz",
        'ш' | 'Ш' => "s",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_diacritics_of_every_language() {
        assert_eq!(fold("  Ëmërime  Çelaj "), "emerime celaj");
        assert_eq!(fold("Šćepanović Đorđe Žarko"), "scepanovic djordje zarko");
        assert_eq!(fold("Yılmaz Gönül Şükrü İĞDE"), "yilmaz gonul sukru igde");
    }

    #[test]
    fn cyrillic_meets_latin() {
        assert_eq!(fold("Ђорђе Јовановић"), fold("Đorđe Jovanović"));
        assert_eq!(fold("Љиљана Његош Џаковић"), "ljiljana njegos dzakovic");
    }

    #[test]
    fn decomposed_marks_are_dropped() {
        assert_eq!(fold("Kosove\u{308}"), "kosove");
    }

    #[test]
    fn search_matches_word_prefixes_in_any_order() {
        assert!(matches("Arben Krasniqi", "kras ar"));
        assert!(matches("Đorđe Jovanović", "djor jova"));
        assert!(matches("Ђорђе Јовановић", "Đorđe"));
        assert!(!matches("Arben Krasniqi", "besim"));
        assert!(matches("Arben Krasniqi", "  "));
    }
}
