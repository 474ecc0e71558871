//! The migrations of issue 17's depth of the Online Bureau, each its own step: the
//! satisfaction survey (one rating per request). Additive only: new tables and indexes.

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
