//! Files attached to a request (ADR 0022): their ids, the limits an upload must keep and
//! the metadata the service answers with. The bytes themselves are object storage's. What
//! every kind of owner shares (the file's name, the limits' rule, the media type judged by
//! content) is kit's `attachments` shelf (ADR 0030); a request's file adds the message it
//! goes with and whether it is the bureau's only.

use chrono::{DateTime, Utc};
use glocal_kit::attachments::{Limits, StoredFile};
use uuid::Uuid;

use super::InvalidInput;

pub use glocal_kit::attachments::{FileName, MAX_FILE_NAME_CHARS, media_type_of, too_large};

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

/// Limits of uploads to one request, from `[storage]`.
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
        Limits::default().into()
    }
}

impl From<Limits> for AttachmentLimits {
    fn from(l: Limits) -> Self {
        AttachmentLimits {
            max_file_bytes: l.max_file_bytes,
            max_request_bytes: l.max_owner_bytes,
            max_request_files: l.max_owner_files,
        }
    }
}

impl From<AttachmentLimits> for Limits {
    fn from(l: AttachmentLimits) -> Self {
        Limits {
            max_file_bytes: l.max_file_bytes,
            max_owner_bytes: l.max_request_bytes,
            max_owner_files: l.max_request_files,
        }
    }
}

impl AttachmentLimits {
    /// The most bytes a new file may have on a request that holds `files` files of
    /// `bytes` bytes: BAD_USER_INPUT on `file` when the request is full (kit's rule).
    pub fn room(&self, files: u64, bytes: u64) -> Result<u64, InvalidInput> {
        Limits::from(*self).room(files, bytes)
    }
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

/// The object key of attachment `id` of request `request` (kit's `<owner>/<file>`).
pub fn object_key(request: Uuid, id: AttachmentId) -> String {
    glocal_kit::attachments::object_key(&request.to_string(), id.as_uuid())
}

/// A request's file as every owner's file is told (`glocal.common.v1.StoredFile`): the
/// request is the owner, the message the part.
impl From<Attachment> for StoredFile {
    fn from(a: Attachment) -> Self {
        StoredFile {
            id: a.id.as_uuid(),
            owner_id: a.request_id.to_string(),
            part_id: a.message_id.map(|m| m.to_string()),
            file_name: a.file_name,
            size: a.size,
            media_type: a.media_type,
            sha256: a.sha256,
            uploaded_by_subject: a.uploaded_by_subject,
            uploaded_by_name: a.uploaded_by_name,
            uploaded_at: a.uploaded_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(AttachmentLimits::from(Limits::from(limits)), limits);
    }

    #[test]
    fn names_and_media_types_are_kits() {
        assert_eq!(
            FileName::parse(" 번역본.pdf ").unwrap().as_str(),
            "번역본.pdf"
        );
        let name = FileName::parse("report.pdf").unwrap();
        assert_eq!(
            media_type_of(b"%PDF-1.4", &name).unwrap(),
            "application/pdf"
        );
    }

    #[test]
    fn a_request_file_is_told_as_its_owners() {
        let a = Attachment {
            id: AttachmentId::new(),
            request_id: Uuid::new_v4(),
            message_id: Some(Uuid::new_v4()),
            file_name: "a.pdf".into(),
            size: 3,
            media_type: "application/pdf".into(),
            sha256: "00".into(),
            uploaded_by_subject: "s".into(),
            uploaded_by_name: "n".into(),
            uploaded_at: Utc::now(),
            internal: true,
        };
        let key = a.object_key();
        let f = StoredFile::from(a.clone());
        assert_eq!(f.object_key(), key);
        assert_eq!(f.part_id, a.message_id.map(|m| m.to_string()));
    }
}
