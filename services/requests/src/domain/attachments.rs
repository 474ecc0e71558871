//! Files attached to a request (ADR 0022): their names, the limits an upload must keep and
//! the metadata the service answers with. The bytes themselves are object storage's.

use chrono::{DateTime, Utc};
use glocal_kit::files::{SNIFF_BYTES, Sniffed, sniff};
use uuid::Uuid;

use super::InvalidInput;

/// Longest file name kept, in characters.
pub const MAX_FILE_NAME_CHARS: usize = 255;

/// An attachment's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AttachmentId(Uuid);

impl AttachmentId {
    /// A new random id.
    pub fn new() -> Self {
        AttachmentId(Uuid::new_v4())
    }

    /// Parses the textual form; field `attachmentId`.
    pub fn parse(s: &str) -> Result<Self, InvalidInput> {
        Uuid::parse_str(s.trim())
            .map(AttachmentId)
            .map_err(|_| InvalidInput::new("attachmentId", "must be an attachment id (UUID)"))
    }

    /// The UUID.
    pub fn as_uuid(&self) -> Uuid {
        self.0
    }
}

impl Default for AttachmentId {
    fn default() -> Self {
        Self::new()
    }
}

impl From<Uuid> for AttachmentId {
    fn from(id: Uuid) -> Self {
        AttachmentId(id)
    }
}

impl std::fmt::Display for AttachmentId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// A file's name as the uploader gave it: 1 to 255 characters, no path, no control
/// characters; field `fileName`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileName(String);

impl FileName {
    /// Parses a name.
    pub fn parse(s: &str) -> Result<Self, InvalidInput> {
        let name = s.trim();
        let bad = |why: &str| InvalidInput::new("fileName", why);
        if name.is_empty() {
            return Err(bad("is required"));
        }
        if name.chars().count() > MAX_FILE_NAME_CHARS {
            return Err(bad("is longer than 255 characters"));
        }
        if name
            .chars()
            .any(|c| c.is_control() || c == '/' || c == '\\')
            || name == "."
            || name == ".."
        {
            return Err(bad(
                "must be a file name without a path or control characters",
            ));
        }
        Ok(FileName(name.to_owned()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Limits of uploads, from `[storage]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttachmentLimits {
    /// Largest file.
    pub max_file_bytes: u64,
    /// Most bytes of all files of one request.
    pub max_request_bytes: u64,
    /// Most files of one request.
    pub max_request_files: u32,
}

impl Default for AttachmentLimits {
    fn default() -> Self {
        let s = glocal_kit::config::StorageSettings::default();
        AttachmentLimits {
            max_file_bytes: s.max_file_bytes,
            max_request_bytes: s.max_owner_bytes,
            max_request_files: s.max_owner_files,
        }
    }
}

impl AttachmentLimits {
    /// The most bytes a new file may have on a request that holds `files` files of
    /// `bytes` bytes: BAD_USER_INPUT on `file` when the request is full.
    pub fn room(&self, files: u64, bytes: u64) -> Result<u64, InvalidInput> {
        if files >= u64::from(self.max_request_files) {
            return Err(InvalidInput::new(
                "file",
                format!(
                    "ATTACHMENT_LIMIT: a request holds at most {} files",
                    self.max_request_files
                ),
            ));
        }
        let left = self.max_request_bytes.saturating_sub(bytes);
        if left == 0 {
            return Err(InvalidInput::new(
                "file",
                format!(
                    "ATTACHMENT_LIMIT: the files of a request may add up to at most {} bytes",
                    self.max_request_bytes
                ),
            ));
        }
        Ok(left.min(self.max_file_bytes))
    }
}

/// The refusal of a file larger than `max` bytes.
pub fn too_large(max: u64) -> InvalidInput {
    InvalidInput::new(
        "file",
        format!("FILE_TOO_LARGE: the file is larger than the {max} bytes allowed here"),
    )
}

/// The media type of a file whose first bytes are `head` (at least [`SNIFF_BYTES`] of
/// them, or the whole file when shorter), named `name`: BAD_USER_INPUT on `file` for an
/// empty file or a type the bureau does not accept.
pub fn media_type_of(head: &[u8], name: &FileName) -> Result<&'static str, InvalidInput> {
    if head.is_empty() {
        return Err(InvalidInput::new("file", "EMPTY_FILE: the file is empty"));
    }
    let probe = &head[..head.len().min(SNIFF_BYTES)];
    sniff(probe).map(|s: Sniffed| s.media_type(name.as_str())).ok_or_else(|| {
        InvalidInput::new(
            "file",
            "UNSUPPORTED_MEDIA_TYPE: accepted are PDF, images (PNG, JPEG, GIF, WebP), office documents (Word, Excel, PowerPoint, HWP, HWPX, OpenDocument), ZIP and plain text; the type is judged by the content, not the name",
        )
    })
}

/// A file attached to a request, as the service answers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// Id.
    pub id: AttachmentId,
    /// The request.
    pub request_id: Uuid,
    /// The message (history entry) it goes with; `None`: the request itself.
    pub message_id: Option<Uuid>,
    /// The uploader's name for it.
    pub file_name: String,
    /// Bytes.
    pub size: u64,
    /// Sniffed media type.
    pub media_type: String,
    /// Lowercase hex SHA-256.
    pub sha256: String,
    /// Uploader's subject.
    pub uploaded_by_subject: String,
    /// Uploader's name.
    pub uploaded_by_name: String,
    /// When.
    pub uploaded_at: DateTime<Utc>,
    /// Goes with a staff note: hidden from the requester.
    pub internal: bool,
}

impl Attachment {
    /// The object's key in the service's storage: `<request id>/<attachment id>`.
    pub fn object_key(&self) -> String {
        object_key(self.request_id, self.id)
    }
}

/// The object key of attachment `id` of request `request`.
pub fn object_key(request: Uuid, id: AttachmentId) -> String {
    format!("{request}/{id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_and_paths_are_refused() {
        assert_eq!(
            FileName::parse(" 번역본.pdf ").unwrap().as_str(),
            "번역본.pdf"
        );
        for bad in ["", "  ", "../etc/passwd", "a\\b", "a\u{0}b", ".."] {
            assert_eq!(
                FileName::parse(bad).unwrap_err().field(),
                "fileName",
                "{bad:?}"
            );
        }
        assert!(FileName::parse(&"가".repeat(256)).is_err());
    }

    #[test]
    fn limits_leave_room_or_refuse() {
        let limits = AttachmentLimits {
            max_file_bytes: 10,
            max_request_bytes: 25,
            max_request_files: 3,
        };
        assert_eq!(limits.room(0, 0).unwrap(), 10);
        assert_eq!(limits.room(2, 20).unwrap(), 5);
        assert!(
            limits
                .room(3, 0)
                .unwrap_err()
                .message()
                .starts_with("ATTACHMENT_LIMIT")
        );
        assert!(limits.room(1, 25).is_err());
    }

    #[test]
    fn media_types_come_from_the_content() {
        let name = FileName::parse("report.pdf").unwrap();
        assert_eq!(
            media_type_of(b"%PDF-1.4", &name).unwrap(),
            "application/pdf"
        );
        let err = media_type_of(b"MZ\x90\0", &name).unwrap_err();
        assert!(err.message().starts_with("UNSUPPORTED_MEDIA_TYPE"));
        assert!(
            media_type_of(b"", &name)
                .unwrap_err()
                .message()
                .starts_with("EMPTY_FILE")
        );
    }
}
