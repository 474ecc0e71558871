//! Paging, the same in every service: a [`PageRequest`] in (how many, after which cursor),
//! a [`Page<T>`] out (the items, each item's cursor, whether more follow, how many match),
//! and one opaque cursor codec ([`encode_cursor`], [`decode_cursor`]: URL-safe base64 of a
//! text the service chooses, e.g. `seq:42`). A cursor that does not decode is
//! BAD_USER_INPUT on the field `after`.

use base64::Engine;

use crate::domain::InvalidInput;

/// The field a bad cursor is reported against.
pub const CURSOR_FIELD: &str = "after";

/// Which page: at most `first` items after the cursor `after`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageRequest {
    /// How many (the service caps it).
    pub first: u32,
    /// Cursor of the last item already seen.
    pub after: Option<String>,
}

impl PageRequest {
    /// `first` capped to `1..=max` (0 asks for the largest page).
    pub fn limit(&self, max: u32) -> u32 {
        match self.first {
            0 => max,
            n => n.min(max),
        }
    }
}

impl From<glocal_proto::common::v1::PageRequest> for PageRequest {
    fn from(p: glocal_proto::common::v1::PageRequest) -> Self {
        PageRequest {
            first: p.first,
            after: Some(p.after).filter(|a| !a.is_empty()),
        }
    }
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// The cursor of each item.
    pub cursors: Vec<String>,
    /// More follow.
    pub has_next_page: bool,
    /// How many match in all.
    pub total_count: u64,
}

impl<T> Page<T> {
    /// Cursor of the last item.
    pub fn end_cursor(&self) -> Option<&str> {
        self.cursors.last().map(String::as_str)
    }

    /// The same page with every item converted.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            cursors: self.cursors,
            has_next_page: self.has_next_page,
            total_count: self.total_count,
        }
    }

    /// The proto `PageInfo` of this page.
    pub fn info(&self) -> glocal_proto::common::v1::PageInfo {
        glocal_proto::common::v1::PageInfo {
            end_cursor: self.end_cursor().unwrap_or_default().to_owned(),
            has_next_page: self.has_next_page,
        }
    }
}

/// The opaque cursor of `text`.
pub fn encode_cursor(text: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
}

/// The text of a cursor made by [`encode_cursor`]; anything else is BAD_USER_INPUT on
/// `after`.
pub fn decode_cursor(cursor: &str) -> Result<String, InvalidInput> {
    let bad = || InvalidInput::new(CURSOR_FIELD, "is not a cursor from this list");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor.trim())
        .map_err(|_| bad())?;
    String::from_utf8(bytes).map_err(|_| bad())
}

/// The cursor of the row with sequence number `seq` (`seq:{seq}`).
pub fn seq_cursor(seq: i64) -> String {
    encode_cursor(&format!("seq:{seq}"))
}

/// The sequence number of a [`seq_cursor`]; `None` for the first page.
pub fn decode_seq(cursor: Option<&str>) -> Result<Option<i64>, InvalidInput> {
    let Some(cursor) = cursor else {
        return Ok(None);
    };
    decode_cursor(cursor)?
        .strip_prefix("seq:")
        .and_then(|n| n.parse().ok())
        .map(Some)
        .ok_or_else(|| InvalidInput::new(CURSOR_FIELD, "is not a cursor from this list"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_bad_input() {
        assert_eq!(
            decode_cursor(&encode_cursor("ev:2026-08-26:7")).unwrap(),
            "ev:2026-08-26:7"
        );
        assert_eq!(decode_seq(Some(&seq_cursor(42))).unwrap(), Some(42));
        assert_eq!(decode_seq(None).unwrap(), None);
        let e = decode_cursor("not a cursor!").unwrap_err();
        assert_eq!(e.field(), "after");
        assert_eq!(e.message(), "is not a cursor from this list");
        assert!(decode_seq(Some(&encode_cursor("ev:1"))).is_err());
    }

    #[test]
    fn requests_cap_and_pages_map() {
        let r = PageRequest::from(glocal_proto::common::v1::PageRequest {
            first: 500,
            after: String::new(),
        });
        assert_eq!(r.after, None);
        assert_eq!(r.limit(100), 100);
        assert_eq!(PageRequest::default().limit(100), 100);
        assert_eq!(
            PageRequest {
                first: 5,
                after: None
            }
            .limit(100),
            5
        );
        let page = Page {
            items: vec![1, 2],
            cursors: vec![seq_cursor(1), seq_cursor(2)],
            has_next_page: true,
            total_count: 9,
        }
        .map(|n| n * 10);
        assert_eq!(page.items, [10, 20]);
        assert_eq!(page.end_cursor(), Some(seq_cursor(2).as_str()));
        let info = page.info();
        assert!(info.has_next_page);
        assert_eq!(info.end_cursor, seq_cursor(2));
    }
}
