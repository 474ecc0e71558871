//! The bureau's training report, `trainingStatistics`: applications and acceptances per
//! edition. The training service counts; this module only maps its rows.

use async_graphql::{Context, ID, Object, Result};
use glocal_proto::training::v1 as pb;

use super::{ProgrammeKind, ProtoEnum, count};
use crate::schema::language::{self, Language};
use crate::schema::scalars::Date;
use crate::upstream::{Training, read};

/// One edition's applications by state, against its places.
pub struct TrainingStatisticsRow(pb::TrainingStatisticsRow);

#[Object]
impl TrainingStatisticsRow {
    /// The programme's id.
    async fn programme_id(&self) -> ID {
        ID(self
            .0
            .programme
            .as_ref()
            .map(|p| p.id.clone())
            .unwrap_or_default())
    }

    /// The programme's kind.
    async fn programme_kind(&self) -> Result<ProgrammeKind> {
        ProgrammeKind::from_proto_or_internal(self.0.programme.as_ref().map_or(0, |p| p.kind))
    }

    /// The programme's title in `lang` (default: the request's `Accept-Language`).
    async fn programme_title(&self, ctx: &Context<'_>, lang: Option<Language>) -> String {
        language::pick(
            self.0.programme.as_ref().and_then(|p| p.title.as_ref()),
            language::effective(ctx, lang),
        )
    }

    /// The edition's id.
    async fn edition_id(&self) -> ID {
        ID(self.0.edition_id.clone())
    }

    /// The edition's term, e.g. `2026-1`.
    async fn term(&self) -> &str {
        &self.0.term
    }

    /// The edition's first day.
    async fn starts_on(&self) -> Option<Date> {
        Date::parse(&self.0.starts_on)
    }

    /// The edition's places.
    async fn capacity(&self) -> i32 {
        count(self.0.capacity)
    }

    /// Applications submitted (in any state after submission; drafts are not counted).
    async fn applied(&self) -> i32 {
        let r = &self.0;
        count(
            [
                r.in_review,
                r.accepted,
                r.waitlisted,
                r.rejected,
                r.withdrawn,
            ]
            .iter()
            .fold(0u32, |a, n| a.saturating_add(*n)),
        )
    }

    /// Saved and never submitted.
    async fn drafts(&self) -> i32 {
        count(self.0.drafts)
    }

    /// Submitted, screening or under review.
    async fn in_review(&self) -> i32 {
        count(self.0.in_review)
    }

    /// Accepted.
    async fn accepted(&self) -> i32 {
        count(self.0.accepted)
    }

    /// On the waitlist.
    async fn waitlisted(&self) -> i32 {
        count(self.0.waitlisted)
    }

    /// Rejected.
    async fn rejected(&self) -> i32 {
        count(self.0.rejected)
    }

    /// Withdrawn by the applicant.
    async fn withdrawn(&self) -> i32 {
        count(self.0.withdrawn)
    }
}

/// The training report's query field.
#[derive(Default)]
pub struct TrainingStatisticsQuery;

#[Object]
impl TrainingStatisticsQuery {
    /// Applications and acceptances of every edition starting between `from` and `to`
    /// (inclusive), of one programme when `programmeId` is given, by start date; counted by
    /// the training service. Bureau staff and admins only. BAD_USER_INPUT on `to` when it is
    /// before `from` or the period spans more than ten years.
    #[graphql(inaccessible)]
    async fn training_statistics(
        &self,
        ctx: &Context<'_>,
        from: Date,
        to: Date,
        programme_id: Option<ID>,
    ) -> Result<Vec<TrainingStatisticsRow>> {
        let message = pb::GetTrainingStatisticsRequest {
            from_date: from.to_string(),
            to_date: to.to_string(),
            programme_id: programme_id.map(|i| i.0).unwrap_or_default(),
        };
        let response = read(
            ctx,
            Training,
            "GetTrainingStatistics",
            message,
            |mut client, request| async move { client.get_training_statistics(request).await },
        )
        .await?;
        Ok(response
            .into_inner()
            .rows
            .into_iter()
            .map(TrainingStatisticsRow)
            .collect())
    }
}
