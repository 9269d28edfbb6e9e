//! PDF, page by page (the `pdf-extract` crate, on `lopdf`).
//!
//! Each page's text is cut into paragraphs at blank lines, the lines of a paragraph joined; a
//! citation names the page (`p. 3`). A PDF whose pages hold no text (a scan without a text
//! layer) is a warning, not a document; one the parser cannot read, or on which it panics
//! (a malformed file), is a warning naming why. The file was read under the size cap.

use super::format::{collapse, paragraph_kind, Builder, Structured};
use super::WarningKind;

/// Reads a PDF's bytes.
pub fn read(bytes: &[u8]) -> Result<Structured, WarningKind> {
    let pages = std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem_by_pages(bytes))
        .map_err(|_| WarningKind::Unparsable("malformed PDF: its parser gave up".to_string()))?
        .map_err(|e| WarningKind::Unparsable(format!("not a readable PDF: {e}")))?;
    let mut builder = Builder::paged();
    for (i, page) in pages.iter().enumerate() {
        let place = i as u32 + 1;
        for paragraph in page.split("\n\n") {
            let text = collapse(paragraph);
            if text.chars().any(char::is_alphanumeric) {
                let kind = paragraph_kind(&text);
                builder.block(text, kind, place);
            }
        }
    }
    let doc = builder.finish();
    if doc.blocks.is_empty() {
        return Err(WarningKind::ScannedPdf);
    }
    Ok(doc)
}
