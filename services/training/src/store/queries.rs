//! The queries the service runs, each over any connection or transaction. Lists load
//! related rows for a whole page in one `IN` query.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::entities::{
    application, attendance, certificate, edition, history, programme, review, review_stage,
    session, stage_reviewer, stipend_payment,
};

// ---- programmes -------------------------------------------------------------------------

/// A programme by id.
pub(crate) async fn find_programme<C: ConnectionTrait>(
    c: &C,
    id: Uuid,
) -> Result<Option<programme::Model>, DbErr> {
    programme::Entity::find()
        .filter(programme::Column::Id.eq(id))
        .one(c)
        .await
}

/// A programme by id, its row locked for the rest of the transaction (PostgreSQL; SQLite
/// runs one writer at a time): the editions-per-year check of its period rule runs under it.
pub(crate) async fn lock_programme<C: ConnectionTrait>(
    c: &C,
    id: Uuid,
) -> Result<Option<programme::Model>, DbErr> {
    programme::Entity::find()
        .filter(programme::Column::Id.eq(id))
        .lock_exclusive()
        .one(c)
        .await
}

/// How many editions of a programme start between `from` and `to` (inclusive).
pub(crate) async fn count_editions_starting_between<C: ConnectionTrait>(
    c: &C,
    programme_id: Uuid,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> Result<u64, DbErr> {
    edition::Entity::find()
        .filter(edition::Column::ProgrammeId.eq(programme_id))
        .filter(edition::Column::StartsOn.gte(from))
        .filter(edition::Column::StartsOn.lte(to))
        .count(c)
        .await
}

/// Programmes by id (one query).
pub(crate) async fn programmes_by_ids<C: ConnectionTrait>(
    c: &C,
    ids: &[Uuid],
) -> Result<Vec<programme::Model>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    programme::Entity::find()
        .filter(programme::Column::Id.is_in(ids.iter().copied()))
        .all(c)
        .await
}

/// The programme a caller created under an idempotency key.
pub(crate) async fn programme_by_key<C: ConnectionTrait>(
    c: &C,
    created_by: &str,
    key: &str,
) -> Result<Option<programme::Model>, DbErr> {
    programme::Entity::find()
        .filter(programme::Column::CreatedBy.eq(created_by))
        .filter(programme::Column::IdempotencyKey.eq(key))
        .one(c)
        .await
}

/// One page of programmes in creation order, and how many match in all, in one statement
/// ([`glocal_kit::store::page_with_total`]).
pub(crate) async fn list_programmes<C: ConnectionTrait>(
    c: &C,
    published_only: bool,
    kinds: &[String],
    after_seq: Option<i64>,
    limit: u64,
) -> Result<(Vec<programme::Model>, u64), DbErr> {
    let mut cond = Condition::all();
    if published_only {
        cond = cond.add(programme::Column::Published.eq(true));
    }
    if !kinds.is_empty() {
        cond = cond.add(programme::Column::Kind.is_in(kinds.iter().cloned()));
    }
    let mut select = programme::Entity::find()
        .filter(cond.clone())
        .order_by_asc(programme::Column::Seq);
    if let Some(after) = after_seq {
        select = select.filter(programme::Column::Seq.gt(after));
    }
    glocal_kit::store::page_with_total(c, select, Some(cond), after_seq.is_none(), limit).await
}

/// Publishes a programme (when it is not already).
pub(crate) async fn publish_programme<C: ConnectionTrait>(
    c: &C,
    id: Uuid,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    programme::Entity::update_many()
        .set(programme::ActiveModel {
            published: Set(true),
            updated_at: Set(at),
            ..Default::default()
        })
        .filter(programme::Column::Id.eq(id))
        .filter(programme::Column::Published.eq(false))
        .exec(c)
        .await?;
    Ok(())
}

/// The programme an edition belongs to.
pub(crate) async fn programme_of_edition<C: ConnectionTrait>(
    c: &C,
    edition_id: Uuid,
) -> Result<Option<programme::Model>, DbErr> {
    match find_edition(c, edition_id).await? {
        Some(e) => find_programme(c, e.programme_id).await,
        None => Ok(None),
    }
}

// ---- editions ---------------------------------------------------------------------------

/// An edition by id.
pub(crate) async fn find_edition<C: ConnectionTrait>(
    c: &C,
    id: Uuid,
) -> Result<Option<edition::Model>, DbErr> {
    edition::Entity::find()
        .filter(edition::Column::Id.eq(id))
        .one(c)
        .await
}

/// Editions by id (one query).
pub(crate) async fn editions_by_ids<C: ConnectionTrait>(
    c: &C,
    ids: &[Uuid],
) -> Result<Vec<edition::Model>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    edition::Entity::find()
        .filter(edition::Column::Id.is_in(ids.iter().copied()))
        .all(c)
        .await
}

/// The editions of several programmes (one query), newest start first.
pub(crate) async fn editions_of<C: ConnectionTrait>(
    c: &C,
    programme_ids: &[Uuid],
    published_only: bool,
) -> Result<Vec<edition::Model>, DbErr> {
    if programme_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut select = edition::Entity::find()
        .filter(edition::Column::ProgrammeId.is_in(programme_ids.iter().copied()));
    if published_only {
        select = select.filter(edition::Column::Published.eq(true));
    }
    select
        .order_by_desc(edition::Column::StartsOn)
        .order_by_asc(edition::Column::Seq)
        .all(c)
        .await
}

/// The edition a caller created under an idempotency key.
pub(crate) async fn edition_by_key<C: ConnectionTrait>(
    c: &C,
    created_by: &str,
    key: &str,
) -> Result<Option<edition::Model>, DbErr> {
    edition::Entity::find()
        .filter(edition::Column::CreatedBy.eq(created_by))
        .filter(edition::Column::IdempotencyKey.eq(key))
        .one(c)
        .await
}

/// Applies `changes` to an edition only if its version is still `version`, bumping it.
pub(crate) async fn update_edition_if_version<C: ConnectionTrait>(
    c: &C,
    id: Uuid,
    version: i64,
    mut changes: edition::ActiveModel,
) -> Result<bool, DbErr> {
    changes.version = Set(version + 1);
    let result = edition::Entity::update_many()
        .set(changes)
        .filter(edition::Column::Id.eq(id))
        .filter(edition::Column::Version.eq(version))
        .exec(c)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Takes one place of an edition if one is free: a single conditional update, so
/// concurrent accepts never exceed capacity (PostgreSQL re-checks the condition after
/// waiting for the row lock; SQLite runs one writer at a time). True when taken.
pub(crate) async fn take_place<C: ConnectionTrait>(c: &C, edition_id: Uuid) -> Result<bool, DbErr> {
    let result = edition::Entity::update_many()
        .col_expr(
            edition::Column::AcceptedCount,
            Expr::col(edition::Column::AcceptedCount).add(1),
        )
        .filter(edition::Column::Id.eq(edition_id))
        .filter(Expr::col(edition::Column::AcceptedCount).lt(Expr::col(edition::Column::Capacity)))
        .exec(c)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Gives one place of an edition back (and locks the edition's row until commit).
pub(crate) async fn release_place<C: ConnectionTrait>(
    c: &C,
    edition_id: Uuid,
) -> Result<(), DbErr> {
    edition::Entity::update_many()
        .col_expr(
            edition::Column::AcceptedCount,
            Expr::col(edition::Column::AcceptedCount).sub(1),
        )
        .filter(edition::Column::Id.eq(edition_id))
        .filter(edition::Column::AcceptedCount.gt(0))
        .exec(c)
        .await?;
    Ok(())
}

/// The review stages of several editions (one query), by number.
pub(crate) async fn stages_of<C: ConnectionTrait>(
    c: &C,
    edition_ids: &[Uuid],
) -> Result<Vec<review_stage::Model>, DbErr> {
    if edition_ids.is_empty() {
        return Ok(Vec::new());
    }
    review_stage::Entity::find()
        .filter(review_stage::Column::EditionId.is_in(edition_ids.iter().copied()))
        .order_by_asc(review_stage::Column::Number)
        .all(c)
        .await
}

/// The reviewers of several editions' stages (one query).
pub(crate) async fn reviewers_of<C: ConnectionTrait>(
    c: &C,
    edition_ids: &[Uuid],
) -> Result<Vec<stage_reviewer::Model>, DbErr> {
    if edition_ids.is_empty() {
        return Ok(Vec::new());
    }
    stage_reviewer::Entity::find()
        .filter(stage_reviewer::Column::EditionId.is_in(edition_ids.iter().copied()))
        .order_by_asc(stage_reviewer::Column::Seq)
        .all(c)
        .await
}

/// A stage a reviewer scores at, in one division or all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Assignment {
    /// The edition.
    pub edition: Uuid,
    /// The stage.
    pub stage: i32,
    /// The one division they score; `None` = every division.
    pub division: Option<String>,
}

impl Assignment {
    /// Covers an application of `edition` at `stage` in `division`.
    pub fn covers(&self, edition: Uuid, stage: i32, division: Option<&str>) -> bool {
        self.edition == edition
            && self.stage == stage
            && self.division.as_deref().is_none_or(|d| Some(d) == division)
    }
}

/// Every (edition, stage, division) a subject reviews.
pub(crate) async fn assignments_of<C: ConnectionTrait>(
    c: &C,
    subject: &str,
) -> Result<Vec<Assignment>, DbErr> {
    Ok(stage_reviewer::Entity::find()
        .filter(stage_reviewer::Column::ReviewerSubject.eq(subject))
        .all(c)
        .await?
        .into_iter()
        .map(|r| Assignment {
            edition: r.edition_id,
            stage: r.stage,
            division: r.division,
        })
        .collect())
}

// ---- applications -----------------------------------------------------------------------

/// An application by id, and whether `scorer` reviewed it; the reviews are read only when
/// the application's edition is one of `scorer_reviews`.
pub(crate) async fn application_scored_by<C: ConnectionTrait>(
    c: &C,
    id: Uuid,
    scorer: &str,
    scorer_reviews: &[Uuid],
) -> Result<Option<(application::Model, bool)>, DbErr> {
    let Some(row) = find_application(c, id).await? else {
        return Ok(None);
    };
    let scored = scorer_reviews.contains(&row.edition_id)
        && reviews_of(c, &[row.id])
            .await?
            .iter()
            .any(|r| r.reviewer_subject == scorer);
    Ok(Some((row, scored)))
}

/// An application by id.
pub(crate) async fn find_application<C: ConnectionTrait>(
    c: &C,
    id: Uuid,
) -> Result<Option<application::Model>, DbErr> {
    application::Entity::find()
        .filter(application::Column::Id.eq(id))
        .one(c)
        .await
}

/// The application a caller created under an idempotency key.
pub(crate) async fn application_by_key<C: ConnectionTrait>(
    c: &C,
    subject: &str,
    key: &str,
) -> Result<Option<application::Model>, DbErr> {
    application::Entity::find()
        .filter(application::Column::ApplicantSubject.eq(subject))
        .filter(application::Column::IdempotencyKey.eq(key))
        .one(c)
        .await
}

/// The active application holding `active_key`, if any.
pub(crate) async fn active_application<C: ConnectionTrait>(
    c: &C,
    active_key: &str,
) -> Result<Option<application::Model>, DbErr> {
    application::Entity::find()
        .filter(application::Column::ActiveKey.eq(active_key))
        .one(c)
        .await
}

/// Applies `changes` only if the stored version is still `version`, bumping it; false when
/// someone else changed the row first.
pub(crate) async fn update_application_if_version<C: ConnectionTrait>(
    c: &C,
    id: Uuid,
    version: i64,
    mut changes: application::ActiveModel,
) -> Result<bool, DbErr> {
    changes.version = Set(version + 1);
    let result = application::Entity::update_many()
        .set(changes)
        .filter(application::Column::Id.eq(id))
        .filter(application::Column::Version.eq(version))
        .exec(c)
        .await?;
    Ok(result.rows_affected == 1)
}

/// The applications of an edition in some states, in submission order.
pub(crate) async fn applications_in<C: ConnectionTrait>(
    c: &C,
    edition_id: Uuid,
    states: &[&str],
) -> Result<Vec<application::Model>, DbErr> {
    application::Entity::find()
        .filter(application::Column::EditionId.eq(edition_id))
        .filter(application::Column::State.is_in(states.iter().copied()))
        .order_by_asc(application::Column::Seq)
        .all(c)
        .await
}

/// The waitlists of several editions (one query), first in line first.
pub(crate) async fn waitlists_of<C: ConnectionTrait>(
    c: &C,
    edition_ids: &[Uuid],
) -> Result<Vec<application::Model>, DbErr> {
    if edition_ids.is_empty() {
        return Ok(Vec::new());
    }
    application::Entity::find()
        .filter(application::Column::EditionId.is_in(edition_ids.iter().copied()))
        .filter(application::Column::State.eq("WAITLISTED"))
        .order_by_asc(application::Column::WaitlistedAt)
        .order_by_asc(application::Column::Seq)
        .all(c)
        .await
}

/// Which applications a caller may list.
#[derive(Debug, Clone)]
pub(crate) enum AppScope {
    /// Everything (managers of every edition).
    All,
    /// An applicant's own, and their local government's organisational applications.
    Applicant { subject: String, org: String },
    /// Bureau staff: every edition they do not review, and in those they do, the
    /// applications at their stages (in their division, when limited to one) and those they
    /// scored.
    Staff {
        subject: String,
        assignments: Vec<Assignment>,
    },
}

impl AppScope {
    fn condition(&self) -> Condition {
        use application::Column as A;
        match self {
            AppScope::All => Condition::all(),
            AppScope::Applicant { subject, org } => Condition::any()
                .add(A::ApplicantSubject.eq(subject.as_str()))
                .add(
                    Condition::all()
                        .add(A::ApplicantKind.eq("LOCAL_GOVERNMENT"))
                        .add(A::OrgCode.eq(org.as_str())),
                ),
            AppScope::Staff {
                subject,
                assignments,
            } => {
                if assignments.is_empty() {
                    return Condition::all();
                }
                let mut reviewed: Vec<Uuid> = assignments.iter().map(|a| a.edition).collect();
                reviewed.sort();
                reviewed.dedup();
                let mut any = Condition::any().add(A::EditionId.is_not_in(reviewed));
                for a in assignments {
                    let mut at_stage = Condition::all()
                        .add(A::EditionId.eq(a.edition))
                        .add(A::CurrentStage.eq(a.stage))
                        .add(A::State.eq("UNDER_REVIEW"));
                    if let Some(division) = &a.division {
                        at_stage = at_stage.add(A::Division.eq(division.as_str()));
                    }
                    any = any.add(at_stage);
                }
                any.add(
                    A::Id.in_subquery(
                        Query::select()
                            .column(review::Column::ApplicationId)
                            .from(review::Entity)
                            .and_where(review::Column::ReviewerSubject.eq(subject.as_str()))
                            .to_owned(),
                    ),
                )
            }
        }
    }
}

/// A list query: scope, filters and the page window.
#[derive(Debug, Clone)]
pub(crate) struct AppListQuery {
    pub scope: AppScope,
    pub edition_id: Option<Uuid>,
    pub states: Vec<String>,
    pub stage: Option<i32>,
    /// Only this applicant's applications.
    pub applicant: Option<String>,
    pub after_seq: Option<i64>,
    pub limit: u64,
}

/// One page of applications, newest first, and how many match in all, in one statement
/// ([`glocal_kit::store::page_with_total`]).
pub(crate) async fn list_applications<C: ConnectionTrait>(
    c: &C,
    q: &AppListQuery,
) -> Result<(Vec<application::Model>, u64), DbErr> {
    use application::Column as A;
    let mut cond = Condition::all().add(q.scope.condition());
    if let Some(e) = q.edition_id {
        cond = cond.add(A::EditionId.eq(e));
    }
    if let Some(applicant) = &q.applicant {
        cond = cond.add(A::ApplicantSubject.eq(applicant.as_str()));
    }
    if !q.states.is_empty() {
        cond = cond.add(A::State.is_in(q.states.iter().cloned()));
    }
    if let Some(s) = q.stage {
        cond = cond.add(A::CurrentStage.eq(s));
    }
    let mut select = application::Entity::find()
        .filter(cond.clone())
        .order_by_desc(A::Seq);
    if let Some(after) = q.after_seq {
        select = select.filter(A::Seq.lt(after));
    }
    glocal_kit::store::page_with_total(c, select, Some(cond), q.after_seq.is_none(), q.limit).await
}

// ---- reviews ----------------------------------------------------------------------------

/// Records a reviewer's score, replacing their earlier score at the same stage.
pub(crate) async fn upsert_review<C: ConnectionTrait>(
    c: &C,
    row: review::ActiveModel,
) -> Result<(), DbErr> {
    review::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                review::Column::ApplicationId,
                review::Column::Stage,
                review::Column::ReviewerSubject,
            ])
            .update_columns([
                review::Column::Score,
                review::Column::Comment,
                review::Column::ReviewerName,
                review::Column::At,
            ])
            .to_owned(),
        )
        .exec_without_returning(c)
        .await
        .map(|_| ())
}

/// The reviews of several applications (one query), in order of recording.
pub(crate) async fn reviews_of<C: ConnectionTrait>(
    c: &C,
    application_ids: &[Uuid],
) -> Result<Vec<review::Model>, DbErr> {
    if application_ids.is_empty() {
        return Ok(Vec::new());
    }
    review::Entity::find()
        .filter(review::Column::ApplicationId.is_in(application_ids.iter().copied()))
        .order_by_asc(review::Column::Stage)
        .order_by_asc(review::Column::Seq)
        .all(c)
        .await
}

// ---- sessions and attendance ------------------------------------------------------------

/// A session by id.
pub(crate) async fn find_session<C: ConnectionTrait>(
    c: &C,
    id: Uuid,
) -> Result<Option<session::Model>, DbErr> {
    session::Entity::find()
        .filter(session::Column::Id.eq(id))
        .one(c)
        .await
}

/// The sessions of several editions (one query), by start.
pub(crate) async fn sessions_of<C: ConnectionTrait>(
    c: &C,
    edition_ids: &[Uuid],
) -> Result<Vec<session::Model>, DbErr> {
    if edition_ids.is_empty() {
        return Ok(Vec::new());
    }
    session::Entity::find()
        .filter(session::Column::EditionId.is_in(edition_ids.iter().copied()))
        .order_by_asc(session::Column::StartsAt)
        .order_by_asc(session::Column::Seq)
        .all(c)
        .await
}

/// Records (or corrects) one participant's attendance at one session.
pub(crate) async fn upsert_attendance<C: ConnectionTrait>(
    c: &C,
    row: attendance::ActiveModel,
) -> Result<(), DbErr> {
    attendance::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                attendance::Column::SessionId,
                attendance::Column::ApplicationId,
            ])
            .update_columns([
                attendance::Column::Status,
                attendance::Column::Note,
                attendance::Column::RecordedBy,
                attendance::Column::RecordedAt,
            ])
            .to_owned(),
        )
        .exec_without_returning(c)
        .await
        .map(|_| ())
}

/// The attendance recorded at several sessions (one query).
pub(crate) async fn attendance_at<C: ConnectionTrait>(
    c: &C,
    session_ids: &[Uuid],
) -> Result<Vec<attendance::Model>, DbErr> {
    if session_ids.is_empty() {
        return Ok(Vec::new());
    }
    attendance::Entity::find()
        .filter(attendance::Column::SessionId.is_in(session_ids.iter().copied()))
        .order_by_asc(attendance::Column::Seq)
        .all(c)
        .await
}

/// Applications by id (one query).
pub(crate) async fn applications_by_ids<C: ConnectionTrait>(
    c: &C,
    ids: &[Uuid],
) -> Result<Vec<application::Model>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    application::Entity::find()
        .filter(application::Column::Id.is_in(ids.iter().copied()))
        .all(c)
        .await
}

// ---- stipends ---------------------------------------------------------------------------

/// The payments of one participant, by payer and month.
pub(crate) async fn payments_of<C: ConnectionTrait>(
    c: &C,
    application_id: Uuid,
) -> Result<Vec<stipend_payment::Model>, DbErr> {
    stipend_payment::Entity::find()
        .filter(stipend_payment::Column::ApplicationId.eq(application_id))
        .order_by_asc(stipend_payment::Column::Payer)
        .order_by_asc(stipend_payment::Column::Period)
        .all(c)
        .await
}

/// A payment by id.
pub(crate) async fn find_payment<C: ConnectionTrait>(
    c: &C,
    id: Uuid,
) -> Result<Option<stipend_payment::Model>, DbErr> {
    stipend_payment::Entity::find()
        .filter(stipend_payment::Column::Id.eq(id))
        .one(c)
        .await
}

/// Deletes a participant's payments still SCHEDULED; returns how many.
pub(crate) async fn delete_scheduled_payments<C: ConnectionTrait>(
    c: &C,
    application_id: Uuid,
) -> Result<u64, DbErr> {
    Ok(stipend_payment::Entity::delete_many()
        .filter(stipend_payment::Column::ApplicationId.eq(application_id))
        .filter(stipend_payment::Column::State.eq("SCHEDULED"))
        .exec(c)
        .await?
        .rows_affected)
}

/// Applies `changes` to a payment only if its version is still `version`, bumping it.
pub(crate) async fn update_payment_if_version<C: ConnectionTrait>(
    c: &C,
    id: Uuid,
    version: i64,
    mut changes: stipend_payment::ActiveModel,
) -> Result<bool, DbErr> {
    changes.version = Set(version + 1);
    let result = stipend_payment::Entity::update_many()
        .set(changes)
        .filter(stipend_payment::Column::Id.eq(id))
        .filter(stipend_payment::Column::Version.eq(version))
        .exec(c)
        .await?;
    Ok(result.rows_affected == 1)
}

// ---- certificates -----------------------------------------------------------------------

/// The certificates of several applications (one query).
pub(crate) async fn certificates_of<C: ConnectionTrait>(
    c: &C,
    application_ids: &[Uuid],
) -> Result<Vec<certificate::Model>, DbErr> {
    if application_ids.is_empty() {
        return Ok(Vec::new());
    }
    certificate::Entity::find()
        .filter(certificate::Column::ApplicationId.is_in(application_ids.iter().copied()))
        .all(c)
        .await
}

/// A certificate by its code.
pub(crate) async fn certificate_by_code<C: ConnectionTrait>(
    c: &C,
    code: &str,
) -> Result<Option<certificate::Model>, DbErr> {
    certificate::Entity::find()
        .filter(certificate::Column::Code.eq(code))
        .one(c)
        .await
}

// ---- audit --------------------------------------------------------------------------

/// Inserts one row of any table.
pub(crate) async fn insert<C, A>(c: &C, row: A) -> Result<(), DbErr>
where
    C: ConnectionTrait,
    A: sea_orm::ActiveModelTrait,
{
    <A::Entity as EntityTrait>::insert(row)
        .exec_without_returning(c)
        .await
        .map(|_| ())
}

/// The history of several aggregates (one query), oldest first.
pub(crate) async fn history_of<C: ConnectionTrait>(
    c: &C,
    ids: &[Uuid],
) -> Result<Vec<history::Model>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    history::Entity::find()
        .filter(history::Column::AggregateId.is_in(ids.iter().copied()))
        .order_by_asc(history::Column::Seq)
        .all(c)
        .await
}
