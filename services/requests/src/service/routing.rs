//! The routing table: which rule routes a new request, which staff member takes it, and the
//! administrators' maintenance of the rules.

use glocal_kit::store::Tx;
use glocal_kit::{Caller, Role};

use super::{OnlineBureau, Result};
use crate::domain::{
    DepartmentCode, LanguageCode, RequestDetails, RequestType, RoutingRule, StaffMember,
};
use crate::error::RequestsError;
use crate::store::{directory as dir_store, loads as load_store, routing as rule_store};

/// A rule to create (`id` `None`) or replace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutingRuleDraft {
    /// Rule to replace; `None` creates.
    pub id: Option<i64>,
    /// Type it routes.
    pub request_type: RequestType,
    /// Language it is for, if any (interpretation/translation only).
    pub language: Option<LanguageCode>,
    /// Where to.
    pub department_code: DepartmentCode,
    /// Lower wins.
    pub priority: i32,
}

impl OnlineBureau {
    /// The rule that routes a request: language-specific beats language-less, then the
    /// lowest priority, then the lowest id.
    pub(super) async fn route(
        tx: &Tx,
        ty: RequestType,
        details: &RequestDetails,
    ) -> Result<Option<RoutingRule>> {
        let languages = details.routing_languages();
        let rules = rule_store::rules_for(tx, ty).await?;
        Ok(rules
            .into_iter()
            .filter_map(|r| {
                let rank = match &r.language {
                    None => languages.len(),
                    Some(lang) => languages.iter().position(|l| *l == lang)?,
                };
                Some((rank, r))
            })
            .min_by_key(|(rank, r)| (*rank, r.priority, r.id))
            .map(|(_, r)| r))
    }

    /// How a rule appears in a request's routing note:
    /// `RULE <id>: <type>[/<lang>] -> <dept>`.
    pub(super) fn describe_rule(rule: &RoutingRule) -> String {
        match &rule.language {
            Some(lang) => format!(
                "RULE {}: {}/{} -> {}",
                rule.id, rule.request_type, lang, rule.department_code
            ),
            None => format!(
                "RULE {}: {} -> {}",
                rule.id, rule.request_type, rule.department_code
            ),
        }
    }

    /// The history note of a routing decision: the same facts as [`Self::describe_rule`],
    /// as a catalogue message (said in the reader's language).
    pub(super) fn routing_note(rule: &RoutingRule) -> glocal_kit::i18n::Message {
        let message = match &rule.language {
            Some(lang) => {
                glocal_kit::i18n::Message::new("history-routed-language").arg("language", lang)
            }
            None => glocal_kit::i18n::Message::new("history-routed"),
        };
        message
            .arg("rule", rule.id)
            .arg("type", rule.request_type)
            .arg("department", &rule.department_code)
    }

    /// The department's available staff member (active, not away on `today` in Korea
    /// time, taking requests of `ty`) with the fewest open requests (ties: lowest id).
    pub(super) async fn least_loaded(
        tx: &Tx,
        department: &str,
        ty: Option<RequestType>,
        today: chrono::NaiveDate,
    ) -> Result<Option<(StaffMember, i64)>> {
        let members: Vec<StaffMember> = dir_store::active_staff_of(tx, department)
            .await?
            .into_iter()
            .filter(|m| m.available_for(ty, today))
            .collect();
        let ids: Vec<String> = members.iter().map(|m| m.id.clone()).collect();
        let loads = load_store::loads(tx, &ids).await?;
        Ok(members
            .into_iter()
            .map(|m| {
                let load = loads.get(&m.id).copied().unwrap_or(0);
                (m, load)
            })
            .min_by(|(a, la), (b, lb)| la.cmp(lb).then_with(|| a.id.cmp(&b.id))))
    }

    fn require_admin(caller: Option<&Caller>) -> Result<()> {
        let caller = caller.ok_or(RequestsError::Unauthenticated)?;
        if !caller.has(Role::BureauAdmin) {
            return Err(RequestsError::Forbidden(
                "routing rules are for bureau administrators".into(),
            ));
        }
        Ok(())
    }

    /// Every routing rule (admins only).
    pub async fn routing_rules(&self, caller: Option<&Caller>) -> Result<Vec<RoutingRule>> {
        Self::require_admin(caller)?;
        rule_store::all_rules(&self.db).await
    }

    /// Creates or replaces a routing rule (admins only).
    pub async fn set_routing_rule(
        &self,
        caller: Option<&Caller>,
        draft: RoutingRuleDraft,
    ) -> Result<RoutingRule> {
        Self::require_admin(caller)?;
        if draft.language.is_some() && draft.request_type != RequestType::InterpretationTranslation
        {
            return Err(RequestsError::invalid(
                "language",
                "only interpretation/translation rules take a language",
            ));
        }
        if !dir_store::department_exists(&self.db, draft.department_code.as_str()).await? {
            return Err(RequestsError::invalid(
                "departmentCode",
                "unknown department",
            ));
        }
        rule_store::save_rule(
            &self.db,
            draft.id,
            draft.request_type,
            draft.language.as_ref(),
            &draft.department_code,
            draft.priority,
        )
        .await?
        .ok_or(RequestsError::NotFound("routing rule"))
    }

    /// Deletes a routing rule (admins only).
    pub async fn delete_routing_rule(&self, caller: Option<&Caller>, id: i64) -> Result<()> {
        Self::require_admin(caller)?;
        if !rule_store::delete_rule(&self.db, id).await? {
            return Err(RequestsError::NotFound("routing rule"));
        }
        Ok(())
    }
}
