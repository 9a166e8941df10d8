//! A table written as XLSX (rust_xlsxwriter) or CSV: dates as dates, numbers as numbers, text
//! as typed (every script), headers in the reader's language. CSV is UTF-8 with a byte-order
//! mark so Excel shows ë, ç, š, ğ and Cyrillic.

use app::api::ApiError;
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

/// The texts of a page or file the server writes, in the reader's language (their stored
/// choice, else Albanian), from the locale files the screens use.
pub struct Words(app::i18n::Locale);

impl Words {
    pub fn of(tag: &str) -> Self {
        Self(app::i18n_support::parse_locale(tag).unwrap_or(app::i18n::Locale::sq))
    }

    pub fn get(&self, key: &str) -> String {
        app::i18n_support::label_in(self.0, key)
    }

    pub fn measure(&self, code: &str) -> String {
        app::i18n_support::measure_words(code, |k| self.get(k))
    }
}

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Date(NaiveDate),
    Empty,
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.into())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(v: Option<T>) -> Self {
        v.map_or(Cell::Empty, Into::into)
    }
}

impl From<f64> for Cell {
    fn from(v: f64) -> Self {
        Cell::Number(v)
    }
}

impl From<u64> for Cell {
    fn from(v: u64) -> Self {
        Cell::Number(v as f64)
    }
}

impl From<NaiveDate> for Cell {
    fn from(d: NaiveDate) -> Self {
        Cell::Date(d)
    }
}

/// A sheet: a title line, the headers, the rows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// The sheet's name (at most 31 characters in XLSX).
    pub sheet: String,
    /// Lines above the headers (what the table is, for which period).
    pub title: Vec<String>,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// What an export is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Xlsx,
}

impl ExportFormat {
    pub fn parse(ext: &str) -> Option<Self> {
        match ext {
            "csv" => Some(ExportFormat::Csv),
            "xlsx" => Some(ExportFormat::Xlsx),
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    pub fn ext(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Xlsx => "xlsx",
        }
    }
}

impl Table {
    pub fn write(&self, format: ExportFormat) -> Result<Vec<u8>, ApiError> {
        match format {
            ExportFormat::Csv => self.csv(),
            ExportFormat::Xlsx => self.xlsx(),
        }
    }

    fn csv(&self) -> Result<Vec<u8>, ApiError> {
        let mut out = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(b"\xEF\xBB\xBF".to_vec());
        let written = (|| -> Result<Vec<u8>, csv::Error> {
            for line in &self.title {
                out.write_record([line])?;
            }
            out.write_record(&self.headers)?;
            for row in &self.rows {
                out.write_record(row.iter().map(|c| match c {
                    Cell::Text(s) => s.clone(),
                    Cell::Number(n) => n.to_string(),
                    Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
                    Cell::Empty => String::new(),
                }))?;
            }
            out.into_inner().map_err(|e| e.into_error().into())
        })();
        written.map_err(|e| {
            tracing::error!(error = %e, "writing a CSV export");
            ApiError::Internal
        })
    }

    fn xlsx(&self) -> Result<Vec<u8>, ApiError> {
        let fail = |e: rust_xlsxwriter::XlsxError| {
            tracing::error!(error = %e, "writing an XLSX export");
            ApiError::Internal
        };
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        let name: String = self
            .sheet
            .chars()
            .filter(|c| !"[]:*?/\\".contains(*c))
            .take(31)
            .collect();
        sheet
            .set_name(if name.is_empty() { "Sheet1" } else { &name })
            .map_err(fail)?;
        let bold = Format::new().set_bold();
        let date = Format::new().set_num_format("yyyy-mm-dd");
        let mut r: u32 = 0;
        for line in &self.title {
            sheet.write_string_with_format(r, 0, line, &bold).map_err(fail)?;
            r += 1;
        }
        for (c, h) in self.headers.iter().enumerate() {
            sheet.write_string_with_format(r, col(c), h, &bold).map_err(fail)?;
        }
        for row in &self.rows {
            r += 1;
            for (c, cell) in row.iter().enumerate() {
                match cell {
                    Cell::Text(s) => sheet.write_string(r, col(c), s).map(|_| ()),
                    Cell::Number(n) => sheet.write_number(r, col(c), *n).map(|_| ()),
                    Cell::Date(d) => {
                        let day = ExcelDateTime::from_ymd(
                            u16::try_from(d.year()).unwrap_or(1900),
                            u8::try_from(d.month()).unwrap_or(1),
                            u8::try_from(d.day()).unwrap_or(1),
                        )
                        .map_err(fail)?;
                        sheet.write_datetime_with_format(r, col(c), &day, &date).map(|_| ())
                    }
                    Cell::Empty => Ok(()),
                }
                .map_err(fail)?;
            }
        }
        sheet.autofit();
        book.save_to_buffer().map_err(fail)
    }
}

fn col(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}
