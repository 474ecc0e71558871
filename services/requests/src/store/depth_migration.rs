//! The migrations of issue 17's depth of the Online Bureau, each its own step: the
//! satisfaction survey (one rating per request), merges and links between requests.
//! Additive only: new tables and indexes.

use glocal_kit::migration::{index, int, string, table, text_null, ts, uuid};
use sea_orm_migration::prelude::*;

/// `request_survey`: the requester's rating of a request's answer, one row per request.
pub(crate) struct Survey;

impl MigrationName for Survey {
    fn name(&self) -> &str {
        "m20261203_100001_survey"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Survey {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(table(
            "request_survey",
            vec![
                uuid("request_id"),
                int("rating"),
                text_null("comment"),
                string("respondent_subject"),
                string("respondent_name"),
                ts("submitted_at"),
                ts("updated_at"),
            ],
        ))
        .await?;
        m.create_index(index(
            "request_survey",
            "request_survey_request",
            &["request_id"],
            true,
        ))
        .await?;
        m.create_index(index(
            "request_survey",
            "request_survey_submitted",
            &["submitted_at"],
            false,
        ))
        .await?;
        Ok(())
    }
}

/// `request_relation`: merges (a duplicate into its original) and parent/child links, at
/// most one of each kind per request (ADR 0024).
pub(crate) struct Relations;

impl MigrationName for Relations {
    fn name(&self) -> &str {
        "m20261203_200001_request_relations"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Relations {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(table(
            "request_relation",
            vec![
                uuid("request_id"),
                string("kind"),
                uuid("related_id"),
                ts("created_at"),
                string("created_by"),
            ],
        ))
        .await?;
        m.create_index(index(
            "request_relation",
            "request_relation_one_per_kind",
            &["request_id", "kind"],
            true,
        ))
        .await?;
        m.create_index(index(
            "request_relation",
            "request_relation_related",
            &["related_id"],
            false,
        ))
        .await?;
        Ok(())
    }
}
