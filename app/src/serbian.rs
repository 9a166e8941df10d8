//! Serbian in Cyrillic, made from Serbian in Latin: the interface's `sr-Cyrl` texts are written
//! from `locales/sr-Latn.json` by this transliteration when the app is built (`build.rs`
//! includes this file), so the two scripts never drift. Only interface texts go through it:
//! names and data are shown as they were typed.
//!
//! Serbian's two alphabets map letter for letter, with three Latin digraphs (lj, nj, dž) for
//! single Cyrillic letters. What must stay Latin is listed once in [`KEEP_LATIN`]; the
//! placeholders of a text (`{{ count }}`) and its markup (`<b>`) are never touched.

/// Words written in Latin letters in Serbian Cyrillic text too: the product's name, and
/// abbreviations and file types read letter by letter in their Latin names. (Words with a
/// letter Serbian has not, q, w, x or y, and words that start with a digit, stay as well.)
pub const KEEP_LATIN: &[&str] = &[
    "Reintegra",
    "PIN",
    "CSV",
    "PDF",
    "SVG",
    "GPS",
    "ID",
    "NUL",
    "SMS",
    "URL",
];

/// One Latin letter (or digraph) and its Cyrillic letter; digraphs first, so they win.
const LETTERS: &[(&str, &str)] = &[
    ("Lj", "Љ"),
    ("LJ", "Љ"),
    ("lj", "љ"),
    ("Nj", "Њ"),
    ("NJ", "Њ"),
    ("nj", "њ"),
    ("Dž", "Џ"),
    ("DŽ", "Џ"),
    ("dž", "џ"),
    ("A", "А"),
    ("a", "а"),
    ("B", "Б"),
    ("b", "б"),
    ("C", "Ц"),
    ("c", "ц"),
    ("Č", "Ч"),
    ("č", "ч"),
    ("Ć", "Ћ"),
    ("ć", "ћ"),
    ("D", "Д"),
    ("d", "д"),
    ("Đ", "Ђ"),
    ("đ", "ђ"),
    ("E", "Е"),
    ("e", "е"),
    ("F", "Ф"),
    ("f", "ф"),
    ("G", "Г"),
    ("g", "г"),
    ("H", "Х"),
    ("h", "х"),
    ("I", "И"),
    ("i", "и"),
    ("J", "Ј"),
    ("j", "ј"),
    ("K", "К"),
    ("k", "к"),
    ("L", "Л"),
    ("l", "л"),
    ("M", "М"),
    ("m", "м"),
    ("N", "Н"),
    ("n", "н"),
    ("O", "О"),
    ("o", "о"),
    ("P", "П"),
    ("p", "п"),
    ("R", "Р"),
    ("r", "р"),
    ("S", "С"),
    ("s", "с"),
    ("Š", "Ш"),
    ("š", "ш"),
    ("T", "Т"),
    ("t", "т"),
    ("U", "У"),
    ("u", "у"),
    ("V", "В"),
    ("v", "в"),
    ("Z", "З"),
    ("z", "з"),
    ("Ž", "Ж"),
    ("ž", "ж"),
];

/// `text` in Serbian Cyrillic: letters transliterated, [`KEEP_LATIN`] words, placeholders
/// (`{{ … }}`) and markup (`<…>`) as they are, everything else (digits, punctuation, letters
/// Serbian does not have) unchanged.
pub fn to_cyrillic(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        // A placeholder or a tag, up to its end.
        let tag = c == '<' && rest[1..].starts_with(|n: char| n.is_ascii_alphabetic() || n == '/');
        let closing = match () {
            _ if rest.starts_with("{{") => Some("}}"),
            _ if tag => Some(">"),
            _ => None,
        };
        if let Some(end) = closing {
            let len = rest.find(end).map_or(rest.len(), |i| i + end.len());
            out.push_str(&rest[..len]);
            rest = &rest[len..];
            continue;
        }
        // A word kept in Latin: whole words only.
        if c.is_alphanumeric() {
            let word_len = rest.find(|ch: char| !ch.is_alphanumeric()).unwrap_or(rest.len());
            let word = &rest[..word_len];
            let foreign = word.contains(['q', 'w', 'x', 'y', 'Q', 'W', 'X', 'Y']);
            if KEEP_LATIN.contains(&word) || foreign || c.is_ascii_digit() {
                out.push_str(&rest[..word_len]);
                rest = &rest[word_len..];
                continue;
            }
        }
        match LETTERS.iter().find(|(latin, _)| rest.starts_with(latin)) {
            Some((latin, cyrillic)) => {
                out.push_str(cyrillic);
                rest = &rest[latin.len()..];
            }
            None => {
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::to_cyrillic;

    #[test]
    fn letters_and_digraphs() {
        assert_eq!(to_cyrillic("Ljiljana Njegoš Džaković"), "Љиљана Његош Џаковић");
        assert_eq!(to_cyrillic("LJUBAV NJIVA DŽEP"), "ЉУБАВ ЊИВА ЏЕП");
        assert_eq!(
            to_cyrillic("Đurđevdan, šećer, žuto, čaj"),
            "Ђурђевдан, шећер, жуто, чај"
        );
        assert_eq!(
            to_cyrillic("Prva poseta u roku od 72 sata, do"),
            "Прва посета у року од 72 сата, до"
        );
    }

    #[test]
    fn placeholders_markup_and_kept_words_stay_latin() {
        assert_eq!(to_cyrillic("Još {{ count }} promena"), "Још {{ count }} промена");
        assert_eq!(to_cyrillic("<b>Pažnja</b>: PIN"), "<b>Пажња</b>: PIN");
        // A "less than" is not markup.
        assert_eq!(to_cyrillic("ispod 5 kao „<5“, a ne"), "испод 5 као „<5“, а не");
        assert_eq!(to_cyrillic("Preuzmi XLSX ili CSV"), "Преузми XLSX или CSV");
        // Only whole words: "IDentitet" is not "ID".
        assert_eq!(to_cyrillic("Lični ID i identitet"), "Лични ID и идентитет");
        assert_eq!(to_cyrillic("Reintegra"), "Reintegra");
    }

    #[test]
    fn foreign_words_and_numbers_are_left() {
        assert_eq!(to_cyrillic("XLSX, Wi-Fi, 3G/2G, 100 %"), "XLSX, Wi-Фи, 3G/2G, 100 %");
        // Serbian abbreviations are Serbian: they change script like any word.
        assert_eq!(to_cyrillic("IPI i NUL"), "ИПИ и NUL");
        assert_eq!(to_cyrillic(""), "");
    }
}
