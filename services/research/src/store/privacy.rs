//! Erasing a person from the research service (ADR 0040): the research service holds no
//! personal records of signed-in people, only their names on what they did (practices they
//! wrote or edited, profile changes they proposed, interactions they recorded, opportunities
//! they proposed, audit rows). One pseudonym replaces the subject and name everywhere.

use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, ExprTrait, QueryFilter, QuerySelect,
};

use super::entities::{
    idempotency, interaction, opportunity, practice, practice_history, practice_version,
    profile_change,
};

/// The ids of the practices `subject` wrote (their cached copies show the author).
pub(crate) async fn practices_by(
    db: &impl ConnectionTrait,
    subject: &str,
) -> Result<Vec<String>, DbErr> {
    practice::Entity::find()
        .select_only()
        .column(practice::Column::Id)
        .filter(practice::Column::AuthorSubject.eq(subject))
        .into_tuple()
        .all(db)
        .await
}

/// Replaces `subject` (and their name) by `pseudonym` on every row that names them; answers
/// how many rows changed.
pub(crate) async fn pseudonymise(
    db: &impl ConnectionTrait,
    subject: &str,
    pseudonym: &str,
) -> Result<u64, DbErr> {
    let mut changed = 0;
    changed += practice::Entity::update_many()
        .col_expr(practice::Column::AuthorSubject, Expr::value(pseudonym))
        .col_expr(practice::Column::AuthorName, Expr::value(pseudonym))
        .filter(practice::Column::AuthorSubject.eq(subject))
        .exec(db)
        .await?
        .rows_affected;
    changed += practice_version::Entity::update_many()
        .col_expr(
            practice_version::Column::EditorSubject,
            Expr::value(pseudonym),
        )
        .filter(practice_version::Column::EditorSubject.eq(subject))
        .exec(db)
        .await?
        .rows_affected;
    changed += practice_history::Entity::update_many()
        .col_expr(
            practice_history::Column::ActorSubject,
            Expr::value(pseudonym),
        )
        .col_expr(practice_history::Column::ActorName, Expr::value(pseudonym))
        .filter(practice_history::Column::ActorSubject.eq(subject))
        .exec(db)
        .await?
        .rows_affected;
    changed += profile_change::Entity::update_many()
        .col_expr(profile_change::Column::ProposedBy, Expr::value(pseudonym))
        .col_expr(
            profile_change::Column::ProposedByName,
            Expr::value(pseudonym),
        )
        .filter(profile_change::Column::ProposedBy.eq(subject))
        .exec(db)
        .await?
        .rows_affected;
    changed += interaction::Entity::update_many()
        .col_expr(
            interaction::Column::RecordedBySubject,
            Expr::value(pseudonym),
        )
        .col_expr(interaction::Column::RecordedByName, Expr::value(pseudonym))
        .filter(interaction::Column::RecordedBySubject.eq(subject))
        .exec(db)
        .await?
        .rows_affected;
    changed += opportunity::Entity::update_many()
        .col_expr(opportunity::Column::ProposerSubject, Expr::value(pseudonym))
        .filter(opportunity::Column::ProposerSubject.eq(subject))
        .exec(db)
        .await?
        .rows_affected;
    changed += idempotency::Entity::update_many()
        .col_expr(idempotency::Column::Subject, Expr::value(pseudonym))
        .filter(idempotency::Column::Subject.eq(subject))
        .exec(db)
        .await?
        .rows_affected;
    let audit = Query::update()
        .table(Alias::new("audit"))
        .value(Alias::new("actor_subject"), pseudonym)
        .value(Alias::new("actor_name"), pseudonym)
        .and_where(Expr::col(Alias::new("actor_subject")).eq(subject))
        .to_owned();
    changed += db
        .execute_raw(db.get_database_backend().build(&audit))
        .await?
        .rows_affected();
    Ok(changed)
}
