//! The bureau's directory and routing table: local governments, departments with their
//! staff, and the rules that route a new request to a department.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use glocal_proto::requests::v1 as pb;

use super::common::{datetime, non_empty};
use super::language::{self, Language};
use super::requests::ServiceRequestType;
use super::scalars::{Date, DateTime};
use crate::upstream::error;
use crate::upstream::loaders::requests::{Loaders, group_staff};
use crate::upstream::{Requests, call, read};

/// A local government (city, county, district, province) known to the bureau.
pub struct LocalGovernment(pub(crate) pb::LocalGovernment);

/// A local government.
#[Object(tag = "public")]
impl LocalGovernment {
    /// Standard administrative code, e.g. "11000" for Seoul.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Name in `lang` (default: the request's `Accept-Language`), falling back to English,
    /// Korean, then any language that has one.
    async fn name(&self, ctx: &Context<'_>, lang: Option<Language>) -> String {
        language::pick(self.0.name.as_ref(), language::effective(ctx, lang))
    }

    /// METROPOLITAN, PROVINCE (the upper tier), CITY, COUNTY or DISTRICT (basic).
    async fn level(&self) -> &str {
        &self.0.level
    }

    /// Code of the metropolitan or provincial government a basic one belongs to; null for
    /// the upper tier.
    async fn parent_code(&self) -> Option<&str> {
        non_empty(&self.0.parent_code)
    }
}

/// Loads a local government through the request's DataLoader (`None` for an empty code).
pub(crate) async fn load_local_government(
    ctx: &Context<'_>,
    code: &str,
) -> Result<Option<LocalGovernment>> {
    if code.is_empty() {
        return Ok(None);
    }
    let loaders = Loaders::new(ctx)?;
    Ok(loaders
        .local_governments()
        .load_one(code.to_owned())
        .await?
        .map(LocalGovernment))
}

/// A department of the bureau.
pub struct Department {
    pub(crate) department: pb::Department,
    /// Staff when already known (from `departments`); otherwise loaded on demand.
    pub(crate) staff: Option<Vec<pb::Staff>>,
}

/// A department of the bureau.
#[Object]
impl Department {
    /// Department code.
    async fn code(&self) -> &str {
        &self.department.code
    }

    /// Name in `lang` (default: the request's `Accept-Language`), with the usual fallback.
    async fn name(&self, ctx: &Context<'_>, lang: Option<Language>) -> String {
        language::pick(
            self.department.name.as_ref(),
            language::effective(ctx, lang),
        )
    }

    /// Staff id of the department's lead, told of every breached service level; null when
    /// none.
    async fn lead_staff_id(&self) -> Option<ID> {
        non_empty(&self.department.lead_staff_id).map(|id| ID(id.to_owned()))
    }

    /// The department's staff, active or not.
    async fn staff(&self, ctx: &Context<'_>) -> Result<Vec<Staff>> {
        if let Some(staff) = &self.staff {
            return Ok(staff.iter().cloned().map(Staff).collect());
        }
        let loaders = Loaders::new(ctx)?;
        let entry = loaders
            .departments()
            .load_one(self.department.code.clone())
            .await?;
        Ok(entry
            .map(|e| e.staff.into_iter().map(Staff).collect())
            .unwrap_or_default())
    }
}

/// A member of the bureau's staff.
pub struct Staff(pub(crate) pb::Staff);

/// A member of the bureau's staff.
#[Object]
impl Staff {
    /// Staff id.
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }

    /// Display name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Code of the staff member's department.
    async fn department_code(&self) -> &str {
        &self.0.department_code
    }

    /// False for staff who no longer take new requests (departed).
    async fn active(&self) -> bool {
        self.0.active
    }

    /// ISO 639-1 languages they work in.
    async fn languages(&self) -> &[String] {
        &self.0.languages
    }

    /// Request types they take; empty takes every type.
    async fn request_types(&self) -> Result<Vec<ServiceRequestType>> {
        self.0
            .request_types
            .iter()
            .map(|&t| ServiceRequestType::from_proto(t))
            .collect()
    }

    /// Absence periods (Korea-time dates, both included), earliest first: routing and
    /// least-load assignment pass them over on those days.
    async fn absences(&self) -> Vec<StaffAbsence> {
        self.0
            .absences
            .iter()
            .filter_map(|a| {
                Some(StaffAbsence {
                    from: Date::parse(&a.from)?,
                    to: Date::parse(&a.to)?,
                })
            })
            .collect()
    }

    /// When they left the bureau; null while they work here.
    async fn departed_at(&self) -> Option<DateTime> {
        datetime(self.0.departed_at.as_ref())
    }
}

/// A period a staff member is away, both days included (Korea time).
#[derive(SimpleObject, InputObject, Clone)]
#[graphql(input_name = "StaffAbsenceInput")]
pub struct StaffAbsence {
    /// First day away.
    pub from: Date,
    /// Last day away.
    pub to: Date,
}

/// A routing rule: requests of a type (and language) go to a department.
pub struct RoutingRule(pub(crate) pb::RoutingRule);

/// A routing rule.
#[Object]
impl RoutingRule {
    /// Rule id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Request type the rule applies to.
    #[graphql(name = "type")]
    async fn request_type(&self) -> Result<ServiceRequestType> {
        ServiceRequestType::from_proto(self.0.r#type)
    }

    /// ISO 639-1 language the rule is for (interpretation/translation target); null for any.
    async fn language(&self) -> Option<&str> {
        non_empty(&self.0.language)
    }

    /// Code of the department the rule routes to.
    async fn department_code(&self) -> &str {
        &self.0.department_code
    }

    /// The department the rule routes to.
    async fn department(&self, ctx: &Context<'_>) -> Result<Option<Department>> {
        let loaders = Loaders::new(ctx)?;
        let entry = loaders
            .departments()
            .load_one(self.0.department_code.clone())
            .await?;
        Ok(entry.map(|e| Department {
            department: e.department,
            staff: Some(e.staff),
        }))
    }

    /// Lower wins among rules that match equally well.
    async fn priority(&self) -> i32 {
        self.0.priority
    }
}

/// Creates or replaces a routing rule.
#[derive(InputObject)]
pub struct SetRoutingRuleInput {
    /// Rule to replace; omit to create a new rule.
    pub id: Option<ID>,
    /// Request type the rule applies to.
    #[graphql(name = "type")]
    pub request_type: ServiceRequestType,
    /// ISO 639-1 language the rule is for; omit for any.
    pub language: Option<String>,
    /// Department to route to.
    pub department_code: String,
    /// Lower wins among rules that match equally well.
    #[graphql(default = 100)]
    pub priority: i32,
}

/// A routing-rule id from GraphQL.
fn rule_id(id: &ID, field: &str) -> Result<i64> {
    id.parse::<i64>().map_err(|_| {
        error::bad_input_said(
            &glocal_kit::i18n::Message::new("input-not-a-routing-rule-id").arg("id", id.as_str()),
            field,
        )
    })
}

/// Directory queries.
#[derive(Default)]
pub struct DirectoryQuery;

#[Object]
impl DirectoryQuery {
    /// The bureau's departments with their staff.
    #[graphql(inaccessible)]
    async fn departments(&self, ctx: &Context<'_>) -> Result<Vec<Department>> {
        let response = read(
            ctx,
            Requests,
            "ListDepartments",
            pb::ListDepartmentsRequest {},
            |mut client, request| async move { client.list_departments(request).await },
        )
        .await?
        .into_inner();
        Ok(group_staff(response)
            .into_iter()
            .map(|e| Department {
                department: e.department,
                staff: Some(e.staff),
            })
            .collect())
    }

    /// Every local government known to the bureau.
    async fn local_governments(&self, ctx: &Context<'_>) -> Result<Vec<LocalGovernment>> {
        let response = read(
            ctx,
            Requests,
            "ListLocalGovernments",
            pb::ListLocalGovernmentsRequest {},
            |mut client, request| async move { client.list_local_governments(request).await },
        )
        .await?
        .into_inner();
        Ok(response
            .local_governments
            .into_iter()
            .map(LocalGovernment)
            .collect())
    }

    /// The routing table.
    #[graphql(inaccessible)]
    async fn routing_rules(&self, ctx: &Context<'_>) -> Result<Vec<RoutingRule>> {
        let response = read(
            ctx,
            Requests,
            "ListRoutingRules",
            pb::ListRoutingRulesRequest {},
            |mut client, request| async move { client.list_routing_rules(request).await },
        )
        .await?
        .into_inner();
        Ok(response.rules.into_iter().map(RoutingRule).collect())
    }
}

/// Routing-table and department-lead mutations (bureau administrators).
#[derive(Default)]
pub struct DirectoryMutation;

#[Object]
impl DirectoryMutation {
    /// Creates or replaces a routing rule.
    async fn set_routing_rule(
        &self,
        ctx: &Context<'_>,
        input: SetRoutingRuleInput,
    ) -> Result<RoutingRule> {
        let id = input
            .id
            .as_ref()
            .map(|id| rule_id(id, "id"))
            .transpose()?
            .unwrap_or(0);
        let rule = pb::RoutingRule {
            id,
            r#type: input.request_type.to_proto() as i32,
            language: input.language.unwrap_or_default(),
            department_code: input.department_code,
            priority: input.priority,
        };
        let (mut client, request) = call(
            ctx,
            Requests,
            pb::SetRoutingRuleRequest { rule: Some(rule) },
        )?;
        Ok(RoutingRule(
            client
                .set_routing_rule(request)
                .await
                .map_err(error::remote)?
                .into_inner(),
        ))
    }

    /// Makes an active member of a department its lead, the person told of every breached
    /// service level of its requests (bureau administrators; audited). BAD_USER_INPUT for an
    /// unknown department or staff member, a member of another department or one no longer
    /// active.
    async fn set_department_lead(
        &self,
        ctx: &Context<'_>,
        department: String,
        staff_id: ID,
    ) -> Result<Department> {
        let (mut client, request) = call(
            ctx,
            Requests,
            pb::SetDepartmentLeadRequest {
                department_code: department,
                staff_id: staff_id.0,
            },
        )?;
        let department = client
            .set_department_lead(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(Department {
            department,
            staff: None,
        })
    }

    /// Deletes a routing rule; true when done.
    async fn delete_routing_rule(&self, ctx: &Context<'_>, id: ID) -> Result<bool> {
        let id = rule_id(&id, "id")?;
        let (mut client, request) = call(ctx, Requests, pb::DeleteRoutingRuleRequest { id })?;
        client
            .delete_routing_rule(request)
            .await
            .map_err(error::remote)?;
        Ok(true)
    }
}
