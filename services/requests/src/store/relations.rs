//! The `request_relation` table (ADR 0024): a duplicate merged into its original
//! (`MERGED_INTO`) and a child linked under its parent (`CHILD_OF`), one row each, at most
//! one of each kind per request (a unique index), read in one query per page of views.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

use super::entities::request_relation;
use crate::domain::RequestId;
use crate::domain::relations::Relations;
use crate::error::RequestsError;

type Result<T, E = RequestsError> = std::result::Result<T, E>;

/// A kind of relation, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `request` was merged into `related` (its original).
    MergedInto,
    /// `request` is a child of `related` (its parent).
    ChildOf,
}

impl Kind {
    const fn as_str(self) -> &'static str {
        match self {
            Kind::MergedInto => "MERGED_INTO",
            Kind::ChildOf => "CHILD_OF",
        }
    }
}

/// Records that `request` stands in `kind` to `related`.
pub(crate) async fn insert(
    db: &impl ConnectionTrait,
    request: RequestId,
    kind: Kind,
    related: RequestId,
    at: DateTime<Utc>,
    by: &str,
) -> Result<()> {
    let row = request_relation::ActiveModel {
        request_id: Set(request.as_uuid()),
        kind: Set(kind.as_str().to_owned()),
        related_id: Set(related.as_uuid()),
        created_at: Set(at),
        created_by: Set(by.to_owned()),
        ..Default::default()
    };
    request_relation::Entity::insert(row)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Removes the relation `request` `kind` `related`; false when there was none.
pub(crate) async fn delete(
    db: &impl ConnectionTrait,
    request: RequestId,
    kind: Kind,
    related: RequestId,
) -> Result<bool> {
    use request_relation::Column as C;
    let result = request_relation::Entity::delete_many()
        .filter(C::RequestId.eq(request.as_uuid()))
        .filter(C::Kind.eq(kind.as_str()))
        .filter(C::RelatedId.eq(related.as_uuid()))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// The relations of several requests, both ways (one query); requests without any are
/// absent. Lists are in the order the relations were made.
pub(crate) async fn of(
    db: &impl ConnectionTrait,
    ids: &[RequestId],
) -> Result<HashMap<RequestId, Relations>> {
    use request_relation::Column as C;
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let uuids: Vec<uuid::Uuid> = ids.iter().map(RequestId::as_uuid).collect();
    let rows = request_relation::Entity::find()
        .filter(
            Condition::any()
                .add(C::RequestId.is_in(uuids.clone()))
                .add(C::RelatedId.is_in(uuids)),
        )
        .order_by_asc(C::Seq)
        .all(db)
        .await?;
    let mut out: HashMap<RequestId, Relations> = HashMap::new();
    for row in rows {
        let (request, related) = (
            RequestId::from(row.request_id),
            RequestId::from(row.related_id),
        );
        let merged = match row.kind.as_str() {
            "MERGED_INTO" => true,
            "CHILD_OF" => false,
            other => {
                return Err(RequestsError::Corrupt(format!(
                    "unknown request relation `{other}`"
                )));
            }
        };
        if ids.contains(&request) {
            let r = out.entry(request).or_default();
            if merged {
                r.merged_into = Some(related);
            } else {
                r.parent = Some(related);
            }
        }
        if ids.contains(&related) {
            let r = out.entry(related).or_default();
            if merged {
                r.merged.push(request);
            } else {
                r.children.push(request);
            }
        }
    }
    Ok(out)
}
