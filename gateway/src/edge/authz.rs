//! The authorization matrix: for every root field of the public graph (queries and
//! mutations of every service) and every role, whether the caller is allowed, allowed with
//! scoping (the service narrows what they see or may change), or denied.
//!
//! The gateway enforces it at the edge ([`OperationAuthorization`]), once per operation from its
//! root fields: a denied root field fails before any service is called, with
//! `UNAUTHENTICATED` for the anonymous public and `FORBIDDEN` for everyone else; only that
//! field fails. Services enforce the same rules
//! again (and do the scoping). A root field missing from [`MATRIX`] is denied (fail closed);
//! tests make sure none is missing. `docs/api.md` renders the matrix ([`markdown`]).
//!
//! Subscription root fields are rows of the same matrix; async-graphql runs no execute hook
//! for them, so each subscription resolver asks [`require`] before it subscribes (and then
//! checks the subscriber may see each event it would deliver).

use std::sync::Mutex;

use async_graphql::parser::types::{
    Directive, ExecutableDocument, OperationType as DocumentOperation, Selection, SelectionSet,
};
use async_graphql::{Data, PathSegment, Positioned, ServerError, Value, Variables};
use glocal_kit::error::ErrorCode;
use glocal_kit::{Caller, Role as KitRole};

use crate::schema::gate::RootRefusals;
use crate::schema::me::{OperationType, Permission};

/// The roles of the matrix, in column order: the anonymous public and the four token roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// No bearer token.
    Anonymous,
    /// `local_official`: acts for their own local government.
    LocalOfficial,
    /// `bureau_staff`: their department's queue, the bureau's catalogues.
    BureauStaff,
    /// `bureau_admin`: everything.
    BureauAdmin,
    /// `partner`, or a token without a known role: public data only.
    Partner,
}

impl Role {
    /// Every role, in column order.
    pub const ALL: [Role; 5] = [
        Role::Anonymous,
        Role::LocalOfficial,
        Role::BureauStaff,
        Role::BureauAdmin,
        Role::Partner,
    ];

    /// The role's name as tokens spell it (`anonymous` for no token).
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Anonymous => "anonymous",
            Role::LocalOfficial => "local_official",
            Role::BureauStaff => "bureau_staff",
            Role::BureauAdmin => "bureau_admin",
            Role::Partner => "partner",
        }
    }

    const fn column(self) -> usize {
        match self {
            Role::Anonymous => 0,
            Role::LocalOfficial => 1,
            Role::BureauStaff => 2,
            Role::BureauAdmin => 3,
            Role::Partner => 4,
        }
    }
}

impl From<KitRole> for Role {
    fn from(role: KitRole) -> Role {
        match role {
            KitRole::LocalOfficial => Role::LocalOfficial,
            KitRole::BureauStaff => Role::BureauStaff,
            KitRole::BureauAdmin => Role::BureauAdmin,
            KitRole::Partner => Role::Partner,
        }
    }
}

/// What a role may do with a root field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Access {
    /// Refused at the edge: `UNAUTHENTICATED` (anonymous) or `FORBIDDEN`.
    Denied,
    /// Passed to the service, which limits it to what the caller may see or change (their
    /// own local government, department, registrations, published items…).
    Scoped,
    /// Passed to the service without scoping.
    Allowed,
}

impl Access {
    /// The symbol `docs/api.md` uses.
    pub const fn symbol(self) -> &'static str {
        match self {
            Access::Allowed => "allowed",
            Access::Scoped => "scoped",
            Access::Denied => "—",
        }
    }
}

/// The root type a field belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Root {
    /// `Query`.
    Query,
    /// `Mutation`.
    Mutation,
    /// `Subscription` (over WebSocket).
    Subscription,
}

impl Root {
    /// The GraphQL type name.
    pub const fn type_name(self) -> &'static str {
        match self {
            Root::Query => "Query",
            Root::Mutation => "Mutation",
            Root::Subscription => "Subscription",
        }
    }
}

/// One row of the matrix.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Query or mutation.
    pub root: Root,
    /// The root field's GraphQL name.
    pub field: &'static str,
    /// The service that answers it (`gateway` for fields the gateway answers itself).
    pub service: &'static str,
    /// Access per role, in [`Role::ALL`] order.
    pub access: [Access; 5],
}

impl Rule {
    /// What `role` may do.
    pub const fn access_of(&self, role: Role) -> Access {
        self.access[role.column()]
    }
}

const A: Access = Access::Allowed;
const S: Access = Access::Scoped;
const D: Access = Access::Denied;

macro_rules! rules {
    ($($root:ident $service:literal $field:literal [$a:ident $o:ident $s:ident $ad:ident $p:ident]),+ $(,)?) => {
        &[$(Rule { root: Root::$root, field: $field, service: $service, access: [$a, $o, $s, $ad, $p] }),+]
    };
}

/// The matrix. Columns: anonymous, local_official, bureau_staff, bureau_admin, partner.
pub const MATRIX: &[Rule] = rules![
    // The Online Bureau and the directory (requests service).
    Query "requests" "serviceRequest" [D S S A D],
    Query "requests" "serviceRequests" [D S S A D],
    Query "requests" "searchServiceRequests" [D S S A D],
    Query "requests" "departments" [D S A A S],
    Query "requests" "localGovernments" [A A A A A],
    Query "requests" "routingRules" [D D D A D],
    Query "requests" "businessCalendar" [D A A A D],
    Query "requests" "slaPolicies" [D A A A D],
    Query "requests" "slaCompliance" [D D S A D],
    Query "requests" "serviceRequestSurveyStatistics" [D D S A D],
    Query "requests" "serviceRequestStatistics" [D D S A D],
    Query "gateway" "me" [A A A A A],
    Query "gateway" "enumLabels" [A A A A A],
    // Events.
    Query "events" "events" [S S A A S],
    Query "events" "event" [S S A A S],
    Query "events" "series" [A A A A A],
    Query "events" "eventRegistration" [D S A A S],
    Query "events" "eventRegistrations" [D S A A S],
    Query "events" "myContributions" [D S S S S],
    Query "events" "lectureRequests" [D S A A D],
    Query "events" "eventStatistics" [D D A A D],
    // Research: the best-practice library and the partner network.
    Query "research" "practices" [S S A A S],
    Query "research" "practice" [S S A A S],
    Query "research" "researchAreas" [A A A A A],
    Query "research" "organisations" [S S A A S],
    Query "research" "organisation" [S S A A S],
    Query "research" "organisationProfileChanges" [D D A A S],
    Query "research" "relationships" [S S A A S],
    Query "research" "opportunities" [S S A A S],
    Query "research" "exchangeProjects" [S S A A S],
    Query "research" "exchangeProject" [S S A A S],
    // Training.
    Query "training" "programmes" [S S A A S],
    Query "training" "programme" [S S A A S],
    Query "training" "edition" [S S A A S],
    Query "training" "applications" [D S S A D],
    Query "training" "application" [D S S A D],
    Query "training" "checkEligibility" [S S A A S],
    Query "training" "stipendSchedule" [D S S A D],
    Query "training" "verifyCertificate" [A A A A A],
    Query "training" "trainingStatistics" [D D A A D],
    Query "training" "coaches" [D D A A D],
    Query "training" "coachingEngagements" [D S A A D],
    Query "training" "coachingEngagement" [D S A A D],
    Query "training" "participantCosts" [D S S A D],
    // Notices: each person's own inbox, preferences and contact (notifier).
    Query "notifier" "notifications" [D A A A A],
    Query "notifier" "notificationPreferences" [D A A A A],
    Query "notifier" "myContact" [D A A A A],
    Query "notifier" "emailDeliveries" [D D D A D],
    Query "notifier" "myPersonalData" [D S S S S],
    Query "notifier" "personalDataErasureRequests" [D S S A S],
    Query "notifier" "myResearchSubscriptions" [D A A A D],
    // Apollo Federation: the SDL, and entities resolved as the caller (public data).
    Query "gateway" "_service" [A A A A A],
    Query "gateway" "_entities" [S S S S S],
    // Online Bureau mutations.
    Mutation "requests" "submitServiceRequest" [D S A A D],
    Mutation "requests" "sendMidResponse" [D D S A D],
    Mutation "requests" "sendFinalResponse" [D D S A D],
    Mutation "requests" "reassignServiceRequest" [D D S A D],
    Mutation "requests" "addRequestNote" [D D S A D],
    Mutation "requests" "replyToServiceRequest" [D S D D D],
    Mutation "requests" "withdrawServiceRequest" [D S D D D],
    Mutation "requests" "rejectServiceRequest" [D D S A D],
    Mutation "requests" "closeServiceRequest" [D S S A D],
    Mutation "requests" "reopenServiceRequest" [D S D D D],
    Mutation "requests" "setRoutingRule" [D D D A D],
    Mutation "requests" "deleteRoutingRule" [D D D A D],
    Mutation "requests" "setDepartmentLead" [D D D A D],
    Mutation "requests" "createLocalGovernment" [D D D A D],
    Mutation "requests" "updateLocalGovernment" [D D D A D],
    Mutation "requests" "createDepartment" [D D D A D],
    Mutation "requests" "updateDepartment" [D D D A D],
    Mutation "requests" "onboardStaff" [D D D A D],
    Mutation "requests" "updateStaff" [D D D A D],
    Mutation "requests" "departStaff" [D D D A D],
    Mutation "requests" "askRequester" [D D S A D],
    Mutation "requests" "setHoliday" [D D D A D],
    Mutation "requests" "removeHoliday" [D D D A D],
    Mutation "requests" "setSlaPolicy" [D D D A D],
    Mutation "requests" "rateServiceRequest" [D S D D D],
    Mutation "requests" "mergeServiceRequest" [D D S A D],
    Mutation "requests" "linkServiceRequests" [D D S A D],
    Mutation "requests" "unlinkServiceRequests" [D D S A D],
    Mutation "requests" "createRequestAttachmentUpload" [D S S A D],
    // Notice mutations.
    Mutation "notifier" "markNotificationsRead" [D A A A A],
    Mutation "notifier" "setNotificationPreferences" [D A A A A],
    Mutation "notifier" "setMyContact" [D A A A A],
    Mutation "notifier" "resendEmailDelivery" [D D D A D],
    Mutation "notifier" "requestPersonalDataErasure" [D A A A A],
    Mutation "notifier" "decidePersonalDataErasure" [D D D A D],
    Mutation "notifier" "subscribeToResearch" [D A A A D],
    Mutation "notifier" "updateResearchSubscription" [D A A A D],
    Mutation "notifier" "unsubscribeFromResearch" [D A A A D],
    // Events mutations.
    Mutation "events" "createEventSeries" [D D A A D],
    Mutation "events" "createEvent" [D D A A D],
    Mutation "events" "changeEventState" [D D A A D],
    Mutation "events" "addEventSession" [D D A A D],
    Mutation "events" "removeEventSession" [D D A A D],
    Mutation "events" "registerForEvent" [D S A A S],
    Mutation "events" "registerAsGuest" [A A A A A],
    Mutation "events" "confirmGuestRegistration" [A A A A A],
    Mutation "events" "cancelRegistration" [D S A A S],
    Mutation "events" "acceptOffer" [D S S S S],
    Mutation "events" "checkIn" [D D A A D],
    Mutation "events" "submitContribution" [D S S S S],
    Mutation "events" "reviewContribution" [D D A A D],
    Mutation "events" "withdrawContribution" [D S S S S],
    Mutation "events" "linkContributionPractices" [D D A A D],
    Mutation "events" "requestLecture" [D S A A D],
    Mutation "events" "scheduleLecture" [D D A A D],
    Mutation "events" "declineLecture" [D D A A D],
    // Research mutations.
    Mutation "research" "draftPractice" [D D A A D],
    Mutation "research" "updatePractice" [D D A A D],
    Mutation "research" "submitPractice" [D D A A D],
    Mutation "research" "reviewPractice" [D D S S D],
    Mutation "research" "publishPractice" [D D A A D],
    Mutation "research" "withdrawPractice" [D D A A D],
    Mutation "research" "createPracticeFileUpload" [D D A A D],
    Mutation "research" "createResearchArea" [D D D A D],
    Mutation "research" "deleteResearchArea" [D D D A D],
    Mutation "research" "createOrganisation" [D D A A D],
    Mutation "research" "addContact" [D D A A D],
    Mutation "research" "proposeOrganisationProfile" [D D D D S],
    Mutation "research" "approveOrganisationProfileChange" [D D A A D],
    Mutation "research" "rejectOrganisationProfileChange" [D D A A D],
    Mutation "research" "createRelationship" [D D A A D],
    Mutation "research" "setRelationshipStatus" [D D A A D],
    Mutation "research" "recordInteraction" [D S A A D],
    Mutation "research" "proposeOpportunity" [D A A A A],
    Mutation "research" "setOpportunityStatus" [D D A A D],
    Mutation "research" "createExchangeProject" [D D A A D],
    Mutation "research" "moveExchangeProject" [D D A A D],
    Mutation "research" "addExchangeProjectParticipant" [D D A A D],
    Mutation "research" "removeExchangeProjectParticipant" [D D A A D],
    Mutation "research" "recordExchangeProjectInteraction" [D S A A D],
    // Training mutations.
    Mutation "training" "createProgramme" [D D A A D],
    Mutation "training" "createEdition" [D D A A D],
    Mutation "training" "publishEdition" [D D S A D],
    Mutation "training" "submitApplication" [D S D D D],
    Mutation "training" "saveApplicationDraft" [D S D D D],
    Mutation "training" "submitApplicationDraft" [D S D D D],
    Mutation "training" "screenApplication" [D D S A D],
    Mutation "training" "reviewApplication" [D D S D D],
    Mutation "training" "applyReviewCut" [D D S A D],
    Mutation "training" "decideApplication" [D D S A D],
    Mutation "training" "withdrawApplication" [D S D D D],
    Mutation "training" "createApplicationFileUpload" [D S D D D],
    Mutation "training" "updateParticipant" [D D S A D],
    Mutation "training" "scheduleSession" [D D S A D],
    Mutation "training" "recordAttendance" [D D S A D],
    Mutation "training" "generateStipendSchedule" [D D S A D],
    Mutation "training" "updateStipendPayment" [D D S A D],
    Mutation "training" "issueCertificates" [D D S A D],
    Mutation "training" "registerCoach" [D D A A D],
    Mutation "training" "createCoachingEngagement" [D D S A D],
    Mutation "training" "assignCoach" [D D S A D],
    Mutation "training" "moveCoachingEngagement" [D D S A D],
    Mutation "training" "addCoachingSession" [D D S A D],
    Mutation "training" "deliverCoachingPlan" [D D S A D],
    Mutation "training" "createCoachingPlanFileUpload" [D D S A D],
    Mutation "training" "addItineraryVisit" [D D S A D],
    Mutation "training" "changeItineraryVisit" [D D S A D],
    Mutation "training" "removeItineraryVisit" [D D S A D],
    Mutation "training" "writeTripReport" [D S S A D],
    Mutation "training" "updateTripReport" [D S S A D],
    Mutation "training" "submitTripReport" [D S S A D],
    Mutation "training" "publishTripReportAsPractice" [D D S A D],
    Mutation "training" "confirmRelationship" [D D S A D],
    // Live updates (graphql-transport-ws): a request's own changes for whoever may read it,
    // the bureau's queue for bureau staff (the events of requests they may see).
    Subscription "requests" "serviceRequestUpdated" [D S S A D],
    Subscription "requests" "serviceRequestQueue" [D D S A D],
    Subscription "notifier" "notificationReceived" [D A A A A],
    // The log of staff reads of personal data (ADR 0039).
    Query "notifier" "personalDataReads" [D D D A D],
];

/// The rule of `root`'s field `field`, when the matrix has one.
pub fn rule(root: Root, field: &str) -> Option<&'static Rule> {
    MATRIX.iter().find(|r| r.root == root && r.field == field)
}

/// The matrix roles of `caller`: anonymous without one, `partner` for a token without a
/// known role.
pub fn roles_of(caller: Option<&Caller>) -> Vec<Role> {
    match caller {
        None => vec![Role::Anonymous],
        Some(c) if c.roles.is_empty() => vec![Role::Partner],
        Some(c) => c.roles.iter().copied().map(Role::from).collect(),
    }
}

/// What `caller` may do with `root`'s field `field`: the most permissive access of their
/// roles; [`Access::Denied`] for a field the matrix does not know.
pub fn decide(root: Root, field: &str, caller: Option<&Caller>) -> Access {
    let Some(rule) = rule(root, field) else {
        return Access::Denied;
    };
    roles_of(caller)
        .into_iter()
        .map(|role| rule.access_of(role))
        .max()
        .unwrap_or(Access::Denied)
}

/// Every root field `caller` may use, with whether the service scopes it (what `me {
/// permissions }` shows), in the matrix's order. Handed to the schema as
/// [`crate::schema::me::PermissionsOf`].
pub fn permissions(caller: Option<&Caller>) -> Vec<Permission> {
    MATRIX
        .iter()
        .filter_map(|rule| {
            let operation = match rule.root {
                Root::Query => OperationType::Query,
                Root::Mutation => OperationType::Mutation,
                Root::Subscription => OperationType::Subscription,
            };
            match decide(rule.root, rule.field, caller) {
                Access::Denied => None,
                access => Some(Permission {
                    operation,
                    field: rule.field.to_owned(),
                    scoped: access == Access::Scoped,
                }),
            }
        })
        .collect()
}

/// The error of a denied root field: `UNAUTHENTICATED` for the anonymous public,
/// `FORBIDDEN` for everyone else.
fn refusal(field: &str, caller: Option<&Caller>) -> (ErrorCode, String) {
    match caller {
        None => (
            ErrorCode::Unauthenticated,
            format!("`{field}` needs a bearer token"),
        ),
        Some(_) => (
            ErrorCode::Forbidden,
            format!("your role may not use `{field}`"),
        ),
    }
}

/// Checks the matrix for a root field [`OperationAuthorization`] does not decide
/// (subscriptions): the refusal as a GraphQL error when `caller` is denied.
pub fn require(root: Root, field: &str, caller: Option<&Caller>) -> async_graphql::Result<Access> {
    match decide(root, field, caller) {
        Access::Denied => {
            let (code, message) = refusal(field, caller);
            Err(crate::upstream::error::coded(code, message, None))
        }
        access => Ok(access),
    }
}

/// [`require`] for a subscription root field (the schema's
/// [`crate::schema::subscriptions::SubscriptionGate`]).
pub fn require_subscription(field: &str, caller: Option<&Caller>) -> async_graphql::Result<()> {
    require(Root::Subscription, field, caller).map(|_| ())
}

/// The matrix enforced on the root fields of queries and mutations, once per operation (the
/// authorization part of [`crate::edge::operation::OperationHooks`]): when the document is
/// parsed, [`OperationAuthorization::decide`] walks each operation's root selection set as
/// async-graphql will execute it ([`root_fields`]: aliases, fragments spread or inline on
/// the root, `@skip`/`@include`) and decides every root field for the caller; once the
/// document passed validation and runs, [`OperationAuthorization::take`] hands the refusals
/// to the schema's root types as [`RootRefusals`]. A refused field fails there, before its
/// resolver runs, with the error it would have got from a resolve hook: only that field, at
/// its response key. Nothing runs per resolved field.
#[derive(Default)]
pub(crate) struct OperationAuthorization {
    /// (operation name, its refused root fields), for the operations with any.
    refused: Mutex<Vec<(Option<String>, RootRefusals)>>,
}

impl OperationAuthorization {
    /// Decides the root fields of every query and mutation of `doc` for `caller`.
    pub(crate) fn decide(
        &self,
        doc: &ExecutableDocument,
        variables: &Variables,
        caller: Option<&Caller>,
    ) {
        let mut refused = Vec::new();
        for (name, operation) in doc.operations.iter() {
            let root = match operation.node.ty {
                DocumentOperation::Query => Root::Query,
                DocumentOperation::Mutation => Root::Mutation,
                // Each subscription resolver asks `require` itself.
                DocumentOperation::Subscription => continue,
            };
            let refusals = refusals(
                root,
                root_fields(doc, &operation.node.selection_set, variables),
                caller,
            );
            if !refusals.is_empty() {
                refused.push((name.map(|n| n.to_string()), refusals));
            }
        }
        if !refused.is_empty() {
            *self.refused.lock().unwrap_or_else(|e| e.into_inner()) = refused;
        }
    }

    /// The refusals of the operation `operation_name` names, as the data its execution
    /// needs; `None` when it has none.
    pub(crate) fn take(&self, operation_name: Option<&str>) -> Option<Data> {
        let refusals = {
            let mut refused = self.refused.lock().unwrap_or_else(|e| e.into_inner());
            refused
                .iter()
                .position(|(name, _)| name.as_deref() == operation_name)
                .map(|i| refused.swap_remove(i).1)
        }?;
        let mut data = Data::default();
        data.insert(refusals);
        Some(data)
    }
}

/// The root fields `set` selects, in document order, as async-graphql executes them: each
/// as (response key, field name), following fragment spreads and inline fragments on the
/// root and leaving out selections `@skip`/`@include` turn off for `variables`. A field
/// selected twice under one response key appears twice (it resolves twice).
pub fn root_fields<'a>(
    doc: &'a ExecutableDocument,
    set: &'a Positioned<SelectionSet>,
    variables: &Variables,
) -> Vec<(&'a str, &'a str)> {
    fn walk<'a>(
        doc: &'a ExecutableDocument,
        set: &'a Positioned<SelectionSet>,
        variables: &Variables,
        open: &mut Vec<&'a str>,
        out: &mut Vec<(&'a str, &'a str)>,
    ) {
        for selection in &set.node.items {
            if skipped(selection.node.directives(), variables) {
                continue;
            }
            match &selection.node {
                Selection::Field(field) => out.push((
                    field.node.response_key().node.as_str(),
                    field.node.name.node.as_str(),
                )),
                Selection::InlineFragment(fragment) => {
                    walk(doc, &fragment.node.selection_set, variables, open, out);
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    // A fragment within itself never validates; never follow one forever.
                    let Some(fragment) = doc.fragments.get(name).filter(|_| !open.contains(&name))
                    else {
                        continue;
                    };
                    open.push(name);
                    walk(doc, &fragment.node.selection_set, variables, open, out);
                    open.pop();
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(doc, set, variables, &mut Vec::new(), &mut out);
    out
}

/// Whether `@skip` or `@include` in `directives` leaves a selection out, as async-graphql
/// decides it before executing: the `if` argument, its variable missing or not a boolean
/// reading as `false`.
fn skipped(directives: &[Positioned<Directive>], variables: &Variables) -> bool {
    directives.iter().any(|directive| {
        let include = match directive.node.name.node.as_str() {
            "skip" => false,
            "include" => true,
            _ => return false,
        };
        let Some(condition) = directive.node.get_argument("if") else {
            return false;
        };
        let value = condition
            .node
            .clone()
            .into_const_with(|name| variables.get(&name).cloned().ok_or(()))
            .unwrap_or_default();
        include != matches!(value, Value::Boolean(true))
    })
}

/// The refusals of the `fields` of `root` (from [`root_fields`]) `caller` may not use, each
/// with the error its field fails with; introspection fields pass.
fn refusals(root: Root, fields: Vec<(&str, &str)>, caller: Option<&Caller>) -> RootRefusals {
    let mut refused = RootRefusals::default();
    for (key, name) in fields {
        if name.starts_with("__") || refused.get(key).is_some() {
            continue;
        }
        if decide(root, name, caller) != Access::Denied {
            continue;
        }
        if rule(root, name).is_none() {
            tracing::error!(
                field = name,
                "root field missing from the authorization matrix"
            );
        }
        let (code, message) = refusal(name, caller);
        let mut error = ServerError::new(message, None);
        error.path = vec![PathSegment::Field(key.to_owned())];
        error
            .extensions
            .get_or_insert_with(Default::default)
            .set("code", code.as_str());
        refused.refuse(key, error);
    }
    refused
}

/// The private types: the types of the portal's schema that only root fields closed to the
/// anonymous public (every mutation and subscription, the queries the matrix denies to
/// `anonymous`) reach. None may be in the partner graph or a partner's supergraph; a type
/// a new private root field brings is in this set by construction.
pub fn private_types() -> std::collections::BTreeSet<String> {
    use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};
    use std::collections::{BTreeMap, BTreeSet};

    let sdl = crate::sdl();
    let doc = async_graphql::parser::parse_schema(&sdl).expect("the SDL parses");
    // Each type's fields, as (name, the named types the field and its arguments use).
    let mut edges: BTreeMap<String, Vec<(String, Vec<String>)>> = BTreeMap::new();
    for definition in doc.definitions {
        let TypeSystemDefinition::Type(t) = definition else {
            continue;
        };
        let named = |ty: &async_graphql::parser::types::Type| {
            ty.to_string()
                .trim_matches(|c| matches!(c, '[' | ']' | '!'))
                .to_owned()
        };
        let fields = match &t.node.kind {
            TypeKind::Object(o) => o
                .fields
                .iter()
                .map(|f| {
                    let mut uses = vec![named(&f.node.ty.node)];
                    uses.extend(f.node.arguments.iter().map(|a| named(&a.node.ty.node)));
                    (f.node.name.node.to_string(), uses)
                })
                .collect(),
            TypeKind::Interface(i) => i
                .fields
                .iter()
                .map(|f| (f.node.name.node.to_string(), vec![named(&f.node.ty.node)]))
                .collect(),
            TypeKind::InputObject(i) => i
                .fields
                .iter()
                .map(|f| (f.node.name.node.to_string(), vec![named(&f.node.ty.node)]))
                .collect(),
            TypeKind::Union(u) => u
                .members
                .iter()
                .map(|m| (String::new(), vec![m.node.to_string()]))
                .collect(),
            _ => Vec::new(),
        };
        edges.insert(t.node.name.node.to_string(), fields);
    }
    let reach = |from: Vec<String>| {
        let mut seen = BTreeSet::new();
        let mut todo = from;
        while let Some(ty) = todo.pop() {
            if seen.insert(ty.clone()) {
                for (_, uses) in edges.get(&ty).into_iter().flatten() {
                    todo.extend(uses.iter().cloned());
                }
            }
        }
        seen
    };
    let roots = |open: bool| {
        let mut uses = Vec::new();
        for root in [Root::Query, Root::Mutation, Root::Subscription] {
            for (field, types) in edges.get(root.type_name()).into_iter().flatten() {
                let public = root == Root::Query && decide(root, field, None) != Access::Denied;
                if public == open {
                    uses.extend(types.iter().cloned());
                }
            }
        }
        uses
    };
    let open = reach(roots(true));
    let mut private: BTreeSet<String> = reach(roots(false)).difference(&open).cloned().collect();
    private.extend(["Mutation".to_owned(), "Subscription".to_owned()]);
    private
}

/// The matrix as a Markdown table (what `docs/api.md` shows between its
/// `authorization-matrix` markers).
pub fn markdown() -> String {
    let mut out = String::from("| root field | service |");
    for role in Role::ALL {
        out.push_str(&format!(" {} |", role.as_str()));
    }
    out.push_str("\n| --- | --- |");
    out.push_str(&" :-: |".repeat(Role::ALL.len()));
    out.push('\n');
    for rule in MATRIX {
        let kind = match rule.root {
            Root::Query => "query",
            Root::Mutation => "mutation",
            Root::Subscription => "subscription",
        };
        out.push_str(&format!("| {kind} `{}` | {} |", rule.field, rule.service));
        for role in Role::ALL {
            out.push_str(&format!(" {} |", rule.access_of(role).symbol()));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::edge::auth::Identity;

    #[tokio::test]
    async fn no_private_type_is_in_the_partner_graph() {
        let private = private_types();
        for known in [
            "ServiceRequest",
            "RoutingRule",
            "TrainingApplication",
            "StipendSchedule",
            "EventRegistration",
            "LectureRequest",
            "SubmitServiceRequestInput",
            "Mutation",
        ] {
            assert!(
                private.contains(known),
                "{known} is not private: {private:?}"
            );
        }
        let sdl = crate::schema::federation::tests::subgraph_sdl().await;
        let doc = async_graphql::parser::parse_schema(&sdl).expect("the SDL parses");
        for definition in doc.definitions {
            if let async_graphql::parser::types::TypeSystemDefinition::Type(t) = definition {
                let name = t.node.name.node.to_string();
                let name = name
                    .strip_prefix(crate::schema::federation::PREFIX)
                    .unwrap_or(&name);
                assert!(
                    !private.contains(name),
                    "private `{name}` is in the partner graph"
                );
            }
        }
    }

    #[tokio::test]
    async fn every_field_of_the_public_subgraph_is_open_to_the_public() {
        let sdl = crate::schema::federation::tests::subgraph_sdl().await;
        // Every query field of the partner graph is open to the anonymous public.
        for (field, _) in object_fields(&sdl, "Query") {
            let access = decide(Root::Query, &field, None);
            assert_ne!(
                access,
                Access::Denied,
                "`{field}` is in the public graph but closed to the anonymous public"
            );
        }
    }

    /// The fields of object type `type_name` in `sdl`, each with its directives' names.
    pub(crate) fn object_fields(sdl: &str, type_name: &str) -> Vec<(String, Vec<String>)> {
        use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};
        let doc = async_graphql::parser::parse_schema(sdl).expect("the SDL parses");
        doc.definitions
            .into_iter()
            .filter_map(|d| match d {
                TypeSystemDefinition::Type(t) if t.node.name.node == type_name => Some(t.node.kind),
                _ => None,
            })
            .flat_map(|kind| match kind {
                TypeKind::Object(o) => o.fields,
                _ => Vec::new(),
            })
            .map(|f| {
                let directives = f
                    .node
                    .directives
                    .iter()
                    .map(|d| d.node.name.node.to_string());
                (f.node.name.node.to_string(), directives.collect())
            })
            .collect()
    }

    fn root_fields(sdl: &str, type_name: &str) -> Vec<String> {
        object_fields(sdl, type_name)
            .into_iter()
            .map(|(name, _)| name)
            .collect()
    }

    #[test]
    fn every_root_field_has_a_rule_and_every_rule_a_field() {
        let sdl = crate::schema::builder().finish().sdl();
        for root in [Root::Query, Root::Mutation, Root::Subscription] {
            let fields = root_fields(&sdl, root.type_name());
            assert!(fields.len() > 1, "no fields found for {root:?}");
            for field in &fields {
                assert!(
                    rule(root, field).is_some(),
                    "{root:?}.{field} is not in the matrix"
                );
            }
            for rule in MATRIX.iter().filter(|r| r.root == root) {
                assert!(
                    fields.iter().any(|f| f == rule.field) || rule.field.starts_with('_'),
                    "the matrix names {root:?}.{} which the schema lacks",
                    rule.field
                );
            }
        }
        let mut seen = std::collections::HashSet::new();
        for rule in MATRIX {
            assert!(seen.insert((rule.root, rule.field)), "{} twice", rule.field);
        }
    }

    #[test]
    fn callers_get_their_most_permissive_role() {
        let official = Caller::new("u", "U", "11000", [KitRole::LocalOfficial]);
        let admin = Caller::new("a", "A", "GAOK", [KitRole::BureauAdmin]);
        let both = Caller::new("b", "B", "GAOK", [KitRole::Partner, KitRole::BureauStaff]);
        let none = Caller::new("n", "N", "JP", []);
        assert_eq!(decide(Root::Query, "routingRules", None), Access::Denied);
        assert_eq!(
            decide(Root::Query, "routingRules", Some(&official)),
            Access::Denied
        );
        assert_eq!(
            decide(Root::Query, "routingRules", Some(&admin)),
            Access::Allowed
        );
        assert_eq!(
            decide(Root::Query, "serviceRequests", Some(&official)),
            Access::Scoped
        );
        assert_eq!(
            decide(Root::Mutation, "createEvent", Some(&both)),
            Access::Allowed
        );
        assert_eq!(
            decide(Root::Query, "serviceRequests", Some(&none)),
            Access::Denied
        );
        assert_eq!(
            decide(Root::Query, "localGovernments", None),
            Access::Allowed
        );
        assert_eq!(
            decide(Root::Query, "noSuchField", Some(&admin)),
            Access::Denied
        );
    }

    #[test]
    fn root_fields_follow_aliases_fragments_and_skips() {
        let doc = async_graphql::parser::parse_query(
            "query($no: Boolean!, $yes: Boolean!) {
                a: me { subject }
                ...F
                ... on Query { c: series { __typename } d: events @skip(if: $yes) { __typename } }
                e: practices @include(if: $no) { __typename }
                f: practices @include(if: $missing) { __typename }
                ...G @skip(if: $no)
                __typename
            }
            fragment F on Query { b: routingRules { __typename } ...F }
            fragment G on Query { g: slaPolicies { __typename } }",
        )
        .unwrap();
        let variables = Variables::from_json(serde_json::json!({ "no": false, "yes": true }));
        let (_, operation) = doc.operations.iter().next().unwrap();
        assert_eq!(
            super::root_fields(&doc, &operation.node.selection_set, &variables),
            [
                ("a", "me"),
                ("b", "routingRules"),
                ("c", "series"),
                ("g", "slaPolicies"),
                ("__typename", "__typename"),
            ]
        );
    }

    /// Runs `query` on the portal's schema with the matrix enforced, as `caller`.
    async fn as_caller(query: &str, caller: Option<Caller>) -> async_graphql::Response {
        let schema = crate::schema::builder()
            .extension(crate::edge::operation::OperationHooks::default().authorize())
            .finish();
        schema
            .execute(async_graphql::Request::new(query).data(Identity(caller)))
            .await
    }

    fn refused(response: &async_graphql::Response) -> Vec<(String, String, String)> {
        response
            .errors
            .iter()
            .map(|e| {
                let path = serde_json::to_value(&e.path).unwrap().to_string();
                let code = e.extensions.as_ref().and_then(|x| x.get("code")).cloned();
                (
                    path,
                    code.map(|c| c.to_string()).unwrap_or_default(),
                    e.message.clone(),
                )
            })
            .collect()
    }

    #[tokio::test]
    async fn denied_root_fields_fail_alone_under_their_response_key() {
        let response = as_caller(
            "query { labels: enumLabels(enums: [\"Language\"]) { name } \
               hidden: routingRules { __typename } ...F ... on Query { slaPolicies { __typename } } } \
             fragment F on Query { again: routingRules { __typename } }",
            None,
        )
        .await;
        let mut errors = refused(&response);
        errors.sort();
        assert_eq!(
            errors,
            [
                (
                    r#"["again"]"#.to_owned(),
                    "\"UNAUTHENTICATED\"".to_owned(),
                    "`routingRules` needs a bearer token".to_owned()
                ),
                (
                    r#"["hidden"]"#.to_owned(),
                    "\"UNAUTHENTICATED\"".to_owned(),
                    "`routingRules` needs a bearer token".to_owned()
                ),
                (
                    r#"["slaPolicies"]"#.to_owned(),
                    "\"UNAUTHENTICATED\"".to_owned(),
                    "`slaPolicies` needs a bearer token".to_owned()
                ),
            ]
        );
        let data = response.data.into_json().unwrap();
        assert_eq!(data["labels"][0]["name"], "Language", "{data}");

        // A mutation too, for a caller with a token: FORBIDDEN, nothing runs.
        let official = Caller::new("o", "O", "11000", [KitRole::LocalOfficial]);
        let response = as_caller(
            "mutation { gone: deleteRoutingRule(id: \"00000000-0000-4000-8000-000000000000\") }",
            Some(official),
        )
        .await;
        assert_eq!(
            refused(&response),
            [(
                r#"["gone"]"#.to_owned(),
                "\"FORBIDDEN\"".to_owned(),
                "your role may not use `deleteRoutingRule`".to_owned()
            )]
        );
    }

    #[test]
    fn docs_render_the_matrix() {
        let api = include_str!("../../../docs/api.md");
        let start = "<!-- authorization-matrix:start -->\n";
        let end = "<!-- authorization-matrix:end -->";
        let from = api.find(start).expect("docs/api.md has the start marker") + start.len();
        let to = api.find(end).expect("docs/api.md has the end marker");
        assert_eq!(
            &api[from..to],
            markdown(),
            "docs/api.md's matrix is stale: paste authz::markdown() between the markers"
        );
    }
}
