//! Proto ⇄ domain for division-limited reviewers (the speech contest's divisions).

use glocal_proto::training::v1 as pb;

use crate::domain::{DivisionReviewer, DivisionReviewerDraft};

pub(super) fn reviewers_to_pb(reviewers: Vec<DivisionReviewer>) -> Vec<pb::DivisionReviewer> {
    reviewers
        .into_iter()
        .map(|r| pb::DivisionReviewer {
            subject: r.subject,
            division: r.division.into(),
        })
        .collect()
}

pub(super) fn reviewers_from_pb(
    reviewers: Vec<pb::DivisionReviewer>,
) -> Vec<DivisionReviewerDraft> {
    reviewers
        .into_iter()
        .map(|r| DivisionReviewerDraft {
            subject: r.subject,
            division: r.division,
        })
        .collect()
}
