//! A request's activity: its messages and its audit history (the outbox events written with
//! each change go through `glocal_kit::outbox::append`).

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

use super::entities::{request_history, request_message};
use super::requests::corrupt;
use crate::domain::{
    HistoryEntry, HistoryVisibility, MessageKind, RequestId, RequestMessage, RequestState,
};
use crate::error::RequestsError;

type Result<T, E = RequestsError> = std::result::Result<T, E>;

/// Appends a message to a request (and rewrites the request's search document).
pub(crate) async fn insert_message(
    db: &impl ConnectionTrait,
    request: RequestId,
    m: &RequestMessage,
) -> Result<()> {
    let row = request_message::ActiveModel {
        id: Set(m.id),
        request_id: Set(request.as_uuid()),
        kind: Set(m.kind.as_str().to_owned()),
        body: Set(m.body.clone()),
        author_subject: Set(m.author_subject.clone()),
        author_name: Set(m.author_name.clone()),
        created_at: Set(m.created_at),
        expected_completion_at: Set(m.expected_completion_at),
        ..Default::default()
    };
    request_message::Entity::insert(row)
        .exec_without_returning(db)
        .await?;
    super::search::reindex(db, request).await
}

/// Appends audit entries to a request's history, in order.
pub(crate) async fn insert_history(
    db: &impl ConnectionTrait,
    request: RequestId,
    entries: &[HistoryEntry],
) -> Result<()> {
    for h in entries {
        let row = request_history::ActiveModel {
            request_id: Set(request.as_uuid()),
            action: Set(h.action.clone()),
            from_state: Set(h.from_state.map(|s| s.as_str().to_owned())),
            to_state: Set(h.to_state.as_str().to_owned()),
            actor_subject: Set(h.actor_subject.clone()),
            actor_name: Set(h.actor_name.clone()),
            at: Set(h.at),
            note: Set(h.note.clone()),
            ..Default::default()
        };
        request_history::Entity::insert(row)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// The messages of several requests (one query), oldest first.
pub(crate) async fn messages_of(
    db: &impl ConnectionTrait,
    ids: &[RequestId],
) -> Result<Vec<(RequestId, RequestMessage)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    request_message::Entity::find()
        .filter(request_message::Column::RequestId.is_in(ids.iter().map(RequestId::as_uuid)))
        .order_by_asc(request_message::Column::Seq)
        .all(db)
        .await?
        .into_iter()
        .map(|m| {
            let message = RequestMessage {
                id: m.id,
                kind: MessageKind::parse(&m.kind).map_err(corrupt)?,
                body: m.body,
                author_subject: m.author_subject,
                author_name: m.author_name,
                created_at: m.created_at,
                expected_completion_at: m.expected_completion_at,
            };
            Ok((RequestId::from(m.request_id), message))
        })
        .collect()
}

/// The history of several requests (one query), oldest first.
pub(crate) async fn history_of(
    db: &impl ConnectionTrait,
    ids: &[RequestId],
) -> Result<Vec<(RequestId, HistoryEntry)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    request_history::Entity::find()
        .filter(request_history::Column::RequestId.is_in(ids.iter().map(RequestId::as_uuid)))
        .order_by_asc(request_history::Column::Seq)
        .all(db)
        .await?
        .into_iter()
        .map(|h| {
            let entry = HistoryEntry {
                from_state: h
                    .from_state
                    .as_deref()
                    .map(RequestState::parse)
                    .transpose()
                    .map_err(corrupt)?,
                to_state: RequestState::parse(&h.to_state).map_err(corrupt)?,
                visibility: HistoryVisibility::of_action(&h.action),
                action: h.action,
                actor_subject: h.actor_subject,
                actor_name: h.actor_name,
                at: h.at,
                note: h.note,
            };
            Ok((RequestId::from(h.request_id), entry))
        })
        .collect()
}
