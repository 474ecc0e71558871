//! Attachments' metadata (`request_attachment`): its entity, its migration and its
//! queries. The bytes are in object storage under [`Attachment::object_key`]; kit's shelf
//! receives, reads and sweeps them (its sweep asks this table by `id`, ADR 0030).

use glocal_kit::migration::{a, big, boolean, index, string, table, text, ts, uuid, uuid_null};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use sea_orm_migration::prelude::*;

use crate::domain::{Attachment, AttachmentId, RequestId};
use crate::error::RequestsError;

type Result<T, E = RequestsError> = std::result::Result<T, E>;

/// `request_attachment`: one row per file kept.
pub(crate) mod request_attachment {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "request_attachment")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub seq: i64,
        #[sea_orm(unique)]
        pub id: Uuid,
        pub request_id: Uuid,
        pub message_id: Option<Uuid>,
        pub file_name: String,
        pub size_bytes: i64,
        pub media_type: String,
        pub sha256: String,
        pub uploaded_by_subject: String,
        pub uploaded_by_name: String,
        pub uploaded_at: DateTimeUtc,
        pub internal: bool,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

use request_attachment::{Column, Entity};

/// The migration that adds `request_attachment`.
pub(crate) struct Attachments;

impl MigrationName for Attachments {
    fn name(&self) -> &str {
        "m20261203_000101_request_attachments"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Attachments {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(table(
            "request_attachment",
            vec![
                uuid("id").unique_key().to_owned(),
                uuid("request_id"),
                uuid_null("message_id"),
                text("file_name"),
                big("size_bytes"),
                string("media_type"),
                string("sha256"),
                string("uploaded_by_subject"),
                text("uploaded_by_name"),
                ts("uploaded_at"),
                boolean("internal"),
            ],
        ))
        .await?;
        m.create_index(index(
            "request_attachment",
            "request_attachment_by_request",
            &["request_id", "seq"],
            false,
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(a("request_attachment")).to_owned())
            .await
    }
}

fn to_view(m: request_attachment::Model) -> Attachment {
    Attachment {
        id: AttachmentId::from(m.id),
        request_id: m.request_id,
        message_id: m.message_id,
        file_name: m.file_name,
        size: <u64 as TryFrom<i64>>::try_from(m.size_bytes).unwrap_or_default(),
        media_type: m.media_type,
        sha256: m.sha256,
        uploaded_by_subject: m.uploaded_by_subject,
        uploaded_by_name: m.uploaded_by_name,
        uploaded_at: m.uploaded_at,
        internal: m.internal,
    }
}

/// Records a kept file.
pub(crate) async fn insert(db: &impl ConnectionTrait, f: &Attachment) -> Result<()> {
    let row = request_attachment::ActiveModel {
        id: Set(f.id.as_uuid()),
        request_id: Set(f.request_id),
        message_id: Set(f.message_id),
        file_name: Set(f.file_name.clone()),
        size_bytes: Set(<i64 as TryFrom<u64>>::try_from(f.size).unwrap_or(i64::MAX)),
        media_type: Set(f.media_type.clone()),
        sha256: Set(f.sha256.clone()),
        uploaded_by_subject: Set(f.uploaded_by_subject.clone()),
        uploaded_by_name: Set(f.uploaded_by_name.clone()),
        uploaded_at: Set(f.uploaded_at),
        internal: Set(f.internal),
        ..Default::default()
    };
    Entity::insert(row).exec_without_returning(db).await?;
    Ok(())
}

/// One attachment by id.
pub(crate) async fn find(
    db: &impl ConnectionTrait,
    id: AttachmentId,
) -> Result<Option<Attachment>> {
    Ok(Entity::find()
        .filter(Column::Id.eq(id.as_uuid()))
        .one(db)
        .await?
        .map(to_view))
}

/// The attachments of several requests, oldest first.
pub(crate) async fn of_requests(
    db: &impl ConnectionTrait,
    ids: &[RequestId],
) -> Result<Vec<Attachment>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(Entity::find()
        .filter(Column::RequestId.is_in(ids.iter().map(RequestId::as_uuid)))
        .order_by_asc(Column::Seq)
        .all(db)
        .await?
        .into_iter()
        .map(to_view)
        .collect())
}
