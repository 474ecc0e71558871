//! Staff members' loads: how many open requests each holds (ADR 0057; whose load a request
//! is, is [`RequestState::load_holder`]). Routing picks the least-loaded member of a
//! department by reading one row per candidate instead of counting every open request they
//! hold; every write of a request's state or assignee ([`super::requests::insert`],
//! [`super::requests::update_if_version`]) moves the counts in its own transaction, so they
//! never differ from what a count of the requests would say.

use std::collections::HashMap;

use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use sea_orm_migration::prelude::{
    ColumnDef, DbErr, MigrationName, MigrationTrait, SchemaManager, Table, async_trait,
};

use super::entities::{service_request, staff_load};
use crate::domain::RequestState;
use crate::error::RequestsError;
use glocal_kit::migration::a;

type Result<T, E = RequestsError> = std::result::Result<T, E>;

/// Open requests per staff member of `staff_ids` (one statement, one row per member);
/// members holding none are absent.
pub(crate) async fn loads(
    db: &impl ConnectionTrait,
    staff_ids: &[String],
) -> Result<HashMap<String, i64>> {
    if staff_ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(staff_load::Entity::find()
        .filter(staff_load::Column::StaffId.is_in(staff_ids.iter().cloned()))
        .all(db)
        .await?
        .into_iter()
        .filter(|row| row.open_requests != 0)
        .map(|row| (row.staff_id, row.open_requests))
        .collect())
}

/// Moves one request's load from `before` to `after` (see [`RequestState::load_holder`];
/// either may be nobody); nothing when both are the same. The two rows are written in
/// staff-id order, so two transactions moving loads between the same members never wait on
/// each other in a circle.
pub(crate) async fn shift(
    db: &impl ConnectionTrait,
    before: Option<&str>,
    after: Option<&str>,
) -> Result<()> {
    if before == after {
        return Ok(());
    }
    let mut moves: Vec<(&str, i64)> = before
        .map(|s| (s, -1))
        .into_iter()
        .chain(after.map(|s| (s, 1)))
        .collect();
    moves.sort_by(|x, y| x.0.cmp(y.0));
    for (staff_id, delta) in moves {
        add(db, staff_id, delta).await?;
    }
    Ok(())
}

/// Adds `delta` to the member's count (a row of `delta` when they have none yet).
async fn add(db: &impl ConnectionTrait, staff_id: &str, delta: i64) -> Result<()> {
    let stmt = Query::insert()
        .into_table(staff_load::Entity)
        .columns([
            staff_load::Column::StaffId,
            staff_load::Column::OpenRequests,
        ])
        .values_panic([staff_id.into(), delta.into()])
        .on_conflict(
            OnConflict::column(staff_load::Column::StaffId)
                .value(
                    staff_load::Column::OpenRequests,
                    Expr::col((staff_load::Entity, staff_load::Column::OpenRequests)).add(delta),
                )
                .to_owned(),
        )
        .to_owned();
    db.execute(&stmt).await?;
    Ok(())
}

/// `staff_load`, filled from the requests there are: one row per member holding open
/// requests, with their count (ADR 0057).
pub(crate) struct StaffLoads;

impl MigrationName for StaffLoads {
    fn name(&self) -> &str {
        "m20261205_100001_staff_loads"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for StaffLoads {
    async fn up(&self, m: &SchemaManager) -> std::result::Result<(), DbErr> {
        use service_request::Column as C;
        m.create_table(
            Table::create()
                .table(a("staff_load"))
                .if_not_exists()
                .col(
                    ColumnDef::new(a("staff_id"))
                        .string()
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(a("open_requests")).big_integer().not_null())
                .to_owned(),
        )
        .await?;
        let open: Vec<&str> = RequestState::open_states()
            .into_iter()
            .map(RequestState::as_str)
            .collect();
        let counts = Query::select()
            .column(C::AssigneeId)
            .expr(Expr::cust("COUNT(*)"))
            .from(service_request::Entity)
            .and_where(C::AssigneeId.is_not_null())
            .and_where(C::State.is_in(open))
            .group_by_col(C::AssigneeId)
            .to_owned();
        let fill = Query::insert()
            .into_table(staff_load::Entity)
            .columns([
                staff_load::Column::StaffId,
                staff_load::Column::OpenRequests,
            ])
            .select_from(counts)
            .map_err(|e| DbErr::Migration(e.to_string()))?
            .to_owned();
        m.get_connection().execute(&fill).await?;
        Ok(())
    }
}
