//! The service-levels migration: the business calendar (seeded with the 2025–2027 Korean
//! public holidays, see [`crate::domain::sla::seed_holidays`] for the source), the per-type
//! policies (seeded with the bureau's defaults), their audit table, the department's lead,
//! and the clock columns of a request. One `ADD COLUMN` per statement, as SQLite wants.

use glocal_kit::migration::{a, index, int, string, string_null, table, text, ts, ts_null};
use sea_orm::sea_query::{Query, Table};
use sea_orm_migration::prelude::*;

use crate::domain::RequestType;
use crate::domain::sla::{SlaPolicy, seed_holidays};

pub(crate) struct ServiceLevels;

impl MigrationName for ServiceLevels {
    fn name(&self) -> &str {
        "m20261203_000001_service_levels"
    }
}

async fn add_column(m: &SchemaManager<'_>, t: &str, mut col: ColumnDef) -> Result<(), DbErr> {
    m.alter_table(Table::alter().table(a(t)).add_column(&mut col).to_owned())
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for ServiceLevels {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(a("business_holiday"))
                .if_not_exists()
                .col(ColumnDef::new(a("day")).date().not_null().primary_key())
                .col(string("kind"))
                .col(string("name_ko"))
                .col(string("name_en"))
                .col(string("name_zh"))
                .col(string("name_ja"))
                .to_owned(),
        )
        .await?;
        let mut insert = Query::insert();
        insert
            .into_table(a("business_holiday"))
            .columns(["day", "kind", "name_ko", "name_en", "name_zh", "name_ja"].map(a));
        for (day, kind, [ko, en, zh, ja]) in seed_holidays() {
            insert.values_panic([
                day.into(),
                kind.as_str().into(),
                ko.into(),
                en.into(),
                zh.into(),
                ja.into(),
            ]);
        }
        m.exec_stmt(insert.to_owned()).await?;

        m.create_table(
            Table::create()
                .table(a("sla_policy"))
                .if_not_exists()
                .col(
                    ColumnDef::new(a("request_type"))
                        .string()
                        .not_null()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(a("first_response_minutes"))
                        .big_integer()
                        .not_null(),
                )
                .col(string("first_response_clock"))
                .col(
                    ColumnDef::new(a("resolution_minutes"))
                        .big_integer()
                        .not_null(),
                )
                .col(string("resolution_clock"))
                .col(int("warning_percent"))
                .to_owned(),
        )
        .await?;
        let mut insert = Query::insert();
        insert.into_table(a("sla_policy")).columns(
            [
                "request_type",
                "first_response_minutes",
                "first_response_clock",
                "resolution_minutes",
                "resolution_clock",
                "warning_percent",
            ]
            .map(a),
        );
        for &ty in RequestType::ALL {
            let p = SlaPolicy::default_for(ty);
            insert.values_panic([
                ty.as_str().into(),
                p.first_response.minutes.into(),
                p.first_response.clock.as_str().into(),
                p.resolution.minutes.into(),
                p.resolution.clock.as_str().into(),
                i32::from(p.warning_percent).into(),
            ]);
        }
        m.exec_stmt(insert.to_owned()).await?;

        m.create_table(table(
            "sla_audit",
            vec![
                string("aggregate_type"),
                string("aggregate_id"),
                string("action"),
                string_null("from_state"),
                string_null("to_state"),
                string("actor_subject"),
                string("actor_name"),
                ts("at"),
                text("note"),
            ],
        ))
        .await?;

        add_column(m, "department", string_null("lead_staff_id")).await?;
        for col in [
            ts_null("paused_at"),
            string_null("paused_from_state"),
            string_null("first_response_clock"),
            string_null("resolution_clock"),
            ts_null("warning_at"),
            ts_null("warned_at"),
            ts_null("breached_at"),
        ] {
            add_column(m, "service_request", col).await?;
        }
        m.create_index(index(
            "service_request",
            "service_request_warning",
            &["warned_at", "warning_at"],
            false,
        ))
        .await?;
        m.create_index(index(
            "service_request",
            "service_request_resolution_due",
            &["resolution_due_at"],
            false,
        ))
        .await?;
        Ok(())
    }
}

/// The first-response target's own warning and breach marks (the scheduler warns and
/// breaches each target once): when its warning is due, and when the scheduler claimed the
/// warning and the breach.
pub(crate) struct FirstResponseMarks;

impl MigrationName for FirstResponseMarks {
    fn name(&self) -> &str {
        "m20261203_000002_first_response_marks"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for FirstResponseMarks {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in [
            ts_null("first_response_warning_at"),
            ts_null("first_response_warned_at"),
            ts_null("first_response_breached_at"),
        ] {
            add_column(m, "service_request", col).await?;
        }
        m.create_index(index(
            "service_request",
            "service_request_first_response_due",
            &["first_response_due_at"],
            false,
        ))
        .await?;
        Ok(())
    }
}
