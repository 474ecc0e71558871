//! A submission: the raw draft a client sends and the validated new request it parses into.

use super::{
    Description, DetailsDraft, IdempotencyKey, InvalidInput, LocalGovernmentCode, RequestDetails,
    RequestType, Title,
};

/// What a client submits, unvalidated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmitDraft {
    /// Makes retries safe; required.
    pub idempotency_key: String,
    /// `None` when the client left it unspecified.
    pub request_type: Option<RequestType>,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Typed details; their case must match the type.
    pub details: Option<DetailsDraft>,
    /// Acting local government; empty = the caller's own.
    pub local_government_code: String,
}

/// A validated submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRequest {
    /// Makes retries safe.
    pub idempotency_key: IdempotencyKey,
    /// Title.
    pub title: Title,
    /// Description.
    pub description: Description,
    /// Details (they carry the type).
    pub details: RequestDetails,
    /// Acting local government, when named.
    pub local_government_code: Option<LocalGovernmentCode>,
}

impl NewRequest {
    /// The request's type.
    pub fn request_type(&self) -> RequestType {
        self.details.request_type()
    }
}

impl SubmitDraft {
    /// Validates every field, reporting the first one at fault.
    pub fn parse(self) -> Result<NewRequest, InvalidInput> {
        let idempotency_key = IdempotencyKey::parse(&self.idempotency_key)?;
        let ty = self
            .request_type
            .ok_or_else(|| InvalidInput::new("type", "is required"))?;
        let title = Title::parse(&self.title)?;
        let description = Description::parse(&self.description)?;
        let details = self
            .details
            .ok_or_else(|| InvalidInput::new("details", "are required"))?
            .parse(ty)?;
        let code = self.local_government_code.trim();
        let local_government_code = if code.is_empty() {
            None
        } else {
            Some(LocalGovernmentCode::parse(code)?)
        };
        Ok(NewRequest {
            idempotency_key,
            title,
            description,
            details,
            local_government_code,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::InquiryDraft;

    fn draft() -> SubmitDraft {
        SubmitDraft {
            idempotency_key: "k1".into(),
            request_type: Some(RequestType::GeneralInquiry),
            title: "Hello".into(),
            description: "Please help".into(),
            details: Some(DetailsDraft::GeneralInquiry(InquiryDraft::default())),
            local_government_code: String::new(),
        }
    }

    #[test]
    fn parses_and_names_the_first_bad_field() {
        assert!(draft().parse().is_ok());
        assert_eq!(
            SubmitDraft {
                idempotency_key: String::new(),
                ..draft()
            }
            .parse()
            .unwrap_err()
            .field(),
            "idempotencyKey"
        );
        assert_eq!(
            SubmitDraft {
                request_type: None,
                ..draft()
            }
            .parse()
            .unwrap_err()
            .field(),
            "type"
        );
        assert_eq!(
            SubmitDraft {
                title: String::new(),
                ..draft()
            }
            .parse()
            .unwrap_err()
            .field(),
            "title"
        );
        assert_eq!(
            SubmitDraft {
                description: "d".repeat(10_001),
                ..draft()
            }
            .parse()
            .unwrap_err()
            .field(),
            "description"
        );
        assert_eq!(
            SubmitDraft {
                details: None,
                ..draft()
            }
            .parse()
            .unwrap_err()
            .field(),
            "details"
        );
        assert_eq!(
            SubmitDraft {
                request_type: Some(RequestType::OverseasVisit),
                ..draft()
            }
            .parse()
            .unwrap_err()
            .field(),
            "details"
        );
        assert_eq!(
            SubmitDraft {
                local_government_code: "Seoul".into(),
                ..draft()
            }
            .parse()
            .unwrap_err()
            .field(),
            "localGovernmentCode"
        );
    }
}
