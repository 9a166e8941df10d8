//! Generates the `i18n` module from `locales/*.json` (leptos_i18n's code generation), with
//! Serbian in Cyrillic written here from Serbian in Latin by the tested transliteration in
//! `src/serbian.rs`, so the two scripts never drift.
use leptos_i18n_build::{Config, TranslationsInfos};
use std::error::Error;
use std::path::{Path, PathBuf};

#[path = "src/serbian.rs"]
#[allow(dead_code)]
mod serbian;

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=locales");
    println!("cargo::rerun-if-changed=src/serbian.rs");
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR not set")?);
    // The locale files as written, and the generated one beside them.
    let root = out_dir.join("i18n-src");
    let locales = root.join("locales");
    std::fs::create_dir_all(&locales)?;
    for entry in std::fs::read_dir("locales")? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "json") {
            std::fs::copy(&path, locales.join(path.file_name().ok_or("no file name")?))?;
        }
    }
    write_cyrillic(Path::new("locales/sr-Latn.json"), &locales.join("sr-Cyrl.json"))?;
    // Albanian is the majority language of the municipalities we serve, so it is the base locale.
    let cfg = Config::new("sq")?
        .add_locale("sr-Latn")?
        .add_locale("sr-Cyrl")?
        .add_locale("tr")?
        .add_locale("en")?;
    let infos = TranslationsInfos::parse_at_dir(&root, cfg)?;
    infos.emit_diagnostics();
    infos.generate_i18n_module(out_dir.join("i18n"))?;
    Ok(())
}

/// `sr-Latn.json` with every text in Cyrillic (keys, placeholders and markup as they are).
fn write_cyrillic(latin: &Path, cyrillic: &Path) -> Result<(), Box<dyn Error>> {
    fn convert(value: serde_json::Value) -> serde_json::Value {
        use serde_json::Value;
        match value {
            Value::String(s) => Value::String(serbian::to_cyrillic(&s)),
            Value::Array(items) => Value::Array(items.into_iter().map(convert).collect()),
            Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, convert(v))).collect()),
            other => other,
        }
    }
    let texts: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(latin)?)?;
    std::fs::write(cyrillic, serde_json::to_string_pretty(&convert(texts))?)?;
    Ok(())
}
