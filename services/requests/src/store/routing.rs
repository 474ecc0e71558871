//! The routing table: which department a request type (and language) goes to.

use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

use super::entities::routing_rule;
use super::requests::corrupt;
use crate::domain::{DepartmentCode, LanguageCode, RequestType, RoutingRule};
use crate::error::RequestsError;

type Result<T, E = RequestsError> = std::result::Result<T, E>;

fn rule_view(m: routing_rule::Model) -> Result<RoutingRule> {
    Ok(RoutingRule {
        id: m.id,
        request_type: RequestType::parse(&m.request_type).map_err(corrupt)?,
        language: m
            .language
            .as_deref()
            .map(LanguageCode::parse)
            .transpose()
            .map_err(corrupt)?,
        department_code: DepartmentCode::parse(&m.department_code).map_err(corrupt)?,
        priority: m.priority,
    })
}

/// Every routing rule, by id.
pub(crate) async fn all_rules(db: &impl ConnectionTrait) -> Result<Vec<RoutingRule>> {
    routing_rule::Entity::find()
        .order_by_asc(routing_rule::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(rule_view)
        .collect()
}

/// The routing rules of one request type, by id.
pub(crate) async fn rules_for(
    db: &impl ConnectionTrait,
    request_type: RequestType,
) -> Result<Vec<RoutingRule>> {
    routing_rule::Entity::find()
        .filter(routing_rule::Column::RequestType.eq(request_type.as_str()))
        .order_by_asc(routing_rule::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(rule_view)
        .collect()
}

/// Creates (id `None`) or replaces a rule and answers with the rule as written; `None` when
/// the id to replace does not exist.
pub(crate) async fn save_rule(
    db: &impl ConnectionTrait,
    id: Option<i64>,
    request_type: RequestType,
    language: Option<&LanguageCode>,
    department_code: &DepartmentCode,
    priority: i32,
) -> Result<Option<RoutingRule>> {
    let row = routing_rule::ActiveModel {
        id: NotSet,
        request_type: Set(request_type.as_str().to_owned()),
        language: Set(language.map(|l| l.as_str().to_owned())),
        department_code: Set(department_code.as_str().to_owned()),
        priority: Set(priority),
    };
    let id = match id {
        Some(id) => {
            let updated = routing_rule::Entity::update_many()
                .set(row)
                .filter(routing_rule::Column::Id.eq(id))
                .exec(db)
                .await?;
            if updated.rows_affected == 0 {
                return Ok(None);
            }
            id
        }
        None => {
            routing_rule::Entity::insert(row)
                .exec(db)
                .await?
                .last_insert_id
        }
    };
    Ok(Some(RoutingRule {
        id,
        request_type,
        language: language.cloned(),
        department_code: department_code.clone(),
        priority,
    }))
}

/// Deletes a rule; false when it did not exist.
pub(crate) async fn delete_rule(db: &impl ConnectionTrait, id: i64) -> Result<bool> {
    Ok(routing_rule::Entity::delete_by_id(id)
        .exec(db)
        .await?
        .rows_affected
        == 1)
}
