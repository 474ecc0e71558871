//! The directory-administration migration (ADR 0035): a local government's parent, a staff
//! member's languages, request types and departure, absence periods, and the directory's
//! audit table. Additive only: new nullable columns and new tables.

use glocal_kit::migration::{
    a, date, index, string, string_null, table, text, text_null, ts, ts_null,
};
use sea_orm_migration::prelude::*;

/// Adds the columns and tables directory administration needs.
pub(crate) struct DirectoryAdministration;

impl MigrationName for DirectoryAdministration {
    fn name(&self) -> &str {
        "m20261203_300001_directory_administration"
    }
}

async fn add_column(m: &SchemaManager<'_>, t: &str, mut col: ColumnDef) -> Result<(), DbErr> {
    m.alter_table(Table::alter().table(a(t)).add_column(&mut col).to_owned())
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for DirectoryAdministration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        add_column(m, "local_government", string_null("parent_code")).await?;
        add_column(m, "staff", text_null("languages")).await?;
        add_column(m, "staff", text_null("request_types")).await?;
        add_column(m, "staff", ts_null("departed_at")).await?;
        m.create_table(table(
            "staff_absence",
            vec![string("staff_id"), date("starts_on"), date("ends_on")],
        ))
        .await?;
        m.create_index(index(
            "staff_absence",
            "staff_absence_staff",
            &["staff_id"],
            false,
        ))
        .await?;
        m.create_table(table(
            "directory_audit",
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
        Ok(())
    }
}
