//! Demo exchange projects (ADR 0046): two projects grown from the demo's OPEN opportunity,
//! one RUNNING with an entry in its log (Busan with CLAIR and Fukuoka), one still a
//! PROPOSAL (Seoul with Osaka), made through the service like the rest of the demo.

use std::collections::HashMap;

use glocal_kit::Caller;

use crate::domain::{
    IdempotencyKey, InteractionKind, LocalizedDraft, NewProject, NewProjectInteraction,
    OpportunityId, ProjectDraft, ProjectMove, ProjectStatus,
};
use crate::error::ResearchError;
use crate::service::Research;

/// Creates the demo projects from `opportunity` as `staff`; `ids` maps the demo's
/// organisation keys (`org-clair`, …) to their ids.
pub(super) async fn seed(
    research: &Research,
    staff: &Caller,
    opportunity: OpportunityId,
    ids: &HashMap<&str, String>,
) -> Result<(), ResearchError> {
    let draft = |title: [&str; 4], codes: &[&str], orgs: &[&str]| ProjectDraft {
        opportunity_id: opportunity.to_key(),
        title: LocalizedDraft::of(title[0], title[1], title[2], title[3]),
        description: LocalizedDraft::default(),
        original_language: "ko".into(),
        local_government_codes: codes.iter().map(|c| (*c).to_owned()).collect(),
        organisation_ids: orgs.iter().map(|o| ids[o].clone()).collect(),
    };
    let camp = research
        .create_exchange_project(
            Some(staff),
            IdempotencyKey::parse("demo-project-camp")?,
            NewProject::parse(&draft(
                [
                    "부산–후쿠오카 청소년 기후 캠프",
                    "Busan–Fukuoka youth climate camp",
                    "",
                    "釜山・福岡青少年気候キャンプ",
                ],
                &["26000"],
                &["org-clair", "org-fukuoka"],
            ))?,
        )
        .await?;
    let mut revision = camp.revision.get();
    for to in [ProjectStatus::Agreed, ProjectStatus::Running] {
        let moved = research
            .move_exchange_project(
                Some(staff),
                &ProjectMove::parse(&camp.id.to_key(), revision, Some(to), "")?,
            )
            .await?;
        revision = moved.revision.get();
    }
    research
        .record_project_interaction(
            Some(staff),
            IdempotencyKey::parse("demo-project-camp-meeting")?,
            &NewProjectInteraction::parse(
                &camp.id.to_key(),
                Some(InteractionKind::Meeting),
                "2026-05-20",
                "Kick-off meeting in Fukuoka: programme and cost shares agreed.",
            )?,
        )
        .await?;
    research
        .create_exchange_project(
            Some(staff),
            IdempotencyKey::parse("demo-project-seoul")?,
            NewProject::parse(&draft(
                [
                    "서울–오사카 기후 정책 공동 연구",
                    "Seoul–Osaka joint study of climate policy",
                    "",
                    "",
                ],
                &["11000"],
                &["org-osaka"],
            ))?,
        )
        .await?;
    Ok(())
}
