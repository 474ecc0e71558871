//! Staff reads of personal data (ADR 0039): which fields of the graph are someone's personal
//! data, noting when bureau staff read them, and the log bureau admins read
//! (`personalDataReads`).
//!
//! A resolver of a personal field answers through [`Holder::read`]: when the caller is bureau
//! staff or an admin, the field carries a value and the data is not the caller's own, the
//! read is noted in the operation's [`OperationReads`]. Nothing else happens while the
//! operation runs; after it, [`OperationReadLog`] hands the operation's reads as one batch to
//! the writer ([`crate::upstream::read_log`]), which sends it to the notifier in the
//! background. Other callers (officials, partners, the public) cost one lookup per personal
//! field and nothing else.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use async_graphql::{Context, Enum, ID, InputObject, Object, Request, Result, SimpleObject};
use glocal_kit::{Caller, Role};
use glocal_proto::common::v1 as common;
use glocal_proto::notifier::v1 as pb;

use super::common::{PageInfo, Person, datetime, non_empty, timestamp};
use super::scalars::DateTime;
use crate::upstream::read_log::{ReadBatch, ReadLog};
use crate::upstream::{Notifier, caller, read};

/// What holds personal data in the graph (and which of its fields are personal).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PersonalDataEntity {
    /// A training application: its applicant's profile (`profile.fullName`,
    /// `profile.nationality`, `profile.organisation`, `profile.grade`,
    /// `profile.languages`), `answers` and papers (`files`).
    TrainingApplication,
    /// A contact of a partner organisation (`Contact`): `email`, `phone`.
    PartnerContact,
    /// A partner's proposed profile change: its contacts' `contacts.email`,
    /// `contacts.phone`.
    OrganisationProfileChange,
    /// An event registration: `registrant`, `attendeeName`, `members`, `checkIns`.
    EventRegistration,
    /// An e-mail delivery of a notice: `recipient`, `address`.
    EmailDelivery,
}

impl PersonalDataEntity {
    /// The notifier's name of the type.
    pub fn name(self) -> &'static str {
        match self {
            PersonalDataEntity::TrainingApplication => "TRAINING_APPLICATION",
            PersonalDataEntity::PartnerContact => "PARTNER_CONTACT",
            PersonalDataEntity::OrganisationProfileChange => "ORGANISATION_PROFILE_CHANGE",
            PersonalDataEntity::EventRegistration => "EVENT_REGISTRATION",
            PersonalDataEntity::EmailDelivery => "EMAIL_DELIVERY",
        }
    }

    fn of(name: &str) -> Option<PersonalDataEntity> {
        [
            PersonalDataEntity::TrainingApplication,
            PersonalDataEntity::PartnerContact,
            PersonalDataEntity::OrganisationProfileChange,
            PersonalDataEntity::EventRegistration,
            PersonalDataEntity::EmailDelivery,
        ]
        .into_iter()
        .find(|e| e.name() == name)
    }
}

/// Whose data a record is: what a GraphQL object with personal fields keeps beside them
/// (borrowed from the object while it resolves, so answering a field allocates nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder<'a> {
    entity: PersonalDataEntity,
    id: Cow<'a, str>,
    owner: Option<Cow<'a, str>>,
}

/// A value that may or may not carry data (a read of nothing is not logged).
pub trait Carries {
    /// True when the value holds something.
    fn carries(&self) -> bool;
}

impl<T> Carries for Option<T> {
    fn carries(&self) -> bool {
        self.is_some()
    }
}

impl<T> Carries for &[T] {
    fn carries(&self) -> bool {
        !self.is_empty()
    }
}

impl<T> Carries for Vec<T> {
    fn carries(&self) -> bool {
        !self.is_empty()
    }
}

impl Carries for &str {
    fn carries(&self) -> bool {
        !self.is_empty()
    }
}

impl<'a> Holder<'a> {
    /// Record `id` of `entity`, the personal data of the person with subject `owner` (empty
    /// or `None` when it names no caller, e.g. a partner's contact).
    pub fn new(entity: PersonalDataEntity, id: &'a str, owner: Option<&'a str>) -> Holder<'a> {
        Holder {
            entity,
            id: Cow::Borrowed(id),
            owner: owner.filter(|o| !o.is_empty()).map(Cow::Borrowed),
        }
    }

    /// The same holder owning its id and owner, to keep in an object of its own.
    pub fn into_owned(self) -> Holder<'static> {
        Holder {
            entity: self.entity,
            id: Cow::Owned(self.id.into_owned()),
            owner: self.owner.map(|o| Cow::Owned(o.into_owned())),
        }
    }

    /// `value`, the personal field `field` of this record, noting the read when the
    /// caller is bureau staff reading someone else's data and it carries a value.
    pub fn read<T: Carries>(&self, ctx: &Context<'_>, field: &'static str, value: T) -> T {
        if value.carries() {
            self.note(ctx, field);
        }
        value
    }

    fn note(&self, ctx: &Context<'_>, field: &'static str) {
        let Some(reads) = ctx.data_opt::<Arc<OperationReads>>() else {
            return;
        };
        let Some(reader) = caller(ctx) else {
            return;
        };
        if !is_staff(reader) || self.owner.as_deref() == Some(reader.subject.as_str()) {
            return;
        }
        reads.note(self.entity, &self.id, field);
    }
}

/// Whose reads are logged: bureau staff and admins.
fn is_staff(caller: &Caller) -> bool {
    caller.has(Role::BureauStaff) || caller.has(Role::BureauAdmin)
}

/// The personal fields one operation read, by record (request data).
#[derive(Debug, Default)]
pub struct OperationReads(Mutex<BTreeMap<(PersonalDataEntity, String), Vec<&'static str>>>);

impl OperationReads {
    fn note(&self, entity: PersonalDataEntity, id: &str, field: &'static str) {
        let Ok(mut reads) = self.0.lock() else {
            return;
        };
        let fields = reads.entry((entity, id.to_owned())).or_default();
        if !fields.contains(&field) {
            fields.push(field);
        }
    }

    /// The reads noted so far, as the notifier takes them; empties the set.
    fn take(&self) -> Vec<pb::PersonalDataRead> {
        let Ok(mut reads) = self.0.lock() else {
            return Vec::new();
        };
        std::mem::take(&mut *reads)
            .into_iter()
            .map(|((entity, id), mut fields)| {
                fields.sort_unstable();
                pb::PersonalDataRead {
                    entity_type: entity.name().to_owned(),
                    entity_id: id,
                    fields: fields.into_iter().map(str::to_owned).collect(),
                }
            })
            .collect()
    }
}

/// One operation's personal-data reads and where they go once it ran: the read-log part of
/// the gateway's per-operation extension (`edge::operation::OperationHooks`).
pub struct OperationReadLog {
    log: ReadLog,
    reads: Arc<OperationReads>,
}

impl OperationReadLog {
    /// A new operation's, for `log`.
    pub fn new(log: ReadLog) -> Self {
        OperationReadLog {
            log,
            reads: Arc::default(),
        }
    }

    /// `request` with the operation's [`OperationReads`] in its data, for the resolvers to
    /// note what they show.
    pub fn prepare(&self, request: Request) -> Request {
        request.data(self.reads.clone())
    }

    /// Hands what `reader` read in the operation `operation_name` (if any, and if anyone)
    /// to the [`ReadLog`] writer.
    pub fn submit(&self, reader: Option<&Caller>, operation_name: Option<&str>) {
        let reads = self.reads.take();
        if let (false, Some(reader)) = (reads.is_empty(), reader) {
            self.log.submit(ReadBatch {
                reader: reader.clone(),
                message: pb::RecordPersonalDataReadsRequest {
                    batch_id: uuid::Uuid::now_v7().to_string(),
                    operation: operation_name.unwrap_or_default().to_owned(),
                    read_at: Some(timestamp(DateTime(chrono::Utc::now()))),
                    reads,
                },
            });
        }
    }
}

/// Which reads `personalDataReads` lists; every part optional.
#[derive(InputObject, Default)]
pub struct PersonalDataReadFilter {
    /// Reads by this staff member (their subject).
    pub actor_subject: Option<String>,
    /// Reads of this kind of record.
    pub entity_type: Option<PersonalDataEntity>,
    /// Reads of this one record (with `entityType`).
    pub entity_id: Option<ID>,
    /// Reads at or after this time.
    pub from: Option<DateTime>,
    /// Reads before this time.
    pub to: Option<DateTime>,
}

/// One record of personal data one operation of a staff member read.
#[derive(SimpleObject)]
pub struct PersonalDataRead {
    /// Its id.
    pub id: ID,
    /// Who read (subject and name as their token said).
    pub actor: Person,
    /// What holds the data.
    pub entity_type: Option<PersonalDataEntity>,
    /// The record's id.
    pub entity_id: ID,
    /// The personal fields read, e.g. `profile.fullName` (paths as the schema names them).
    pub fields: Vec<String>,
    /// The GraphQL operation's name; null when it had none.
    pub operation: Option<String>,
    /// When.
    pub read_at: Option<DateTime>,
}

impl From<pb::PersonalDataReadEntry> for PersonalDataRead {
    fn from(r: pb::PersonalDataReadEntry) -> Self {
        PersonalDataRead {
            id: ID(r.id),
            actor: Person {
                subject: r.actor_subject,
                name: r.actor_name,
            },
            entity_type: PersonalDataEntity::of(&r.entity_type),
            entity_id: ID(r.entity_id),
            fields: r.fields,
            operation: non_empty(&r.operation).map(str::to_owned),
            read_at: datetime(r.read_at.as_ref()),
        }
    }
}

/// One read in a page, with its cursor.
#[derive(SimpleObject)]
pub struct PersonalDataReadEdge {
    /// Opaque cursor.
    pub cursor: String,
    /// The read.
    pub node: PersonalDataRead,
}

/// A page of recorded reads, newest first.
#[derive(SimpleObject)]
pub struct PersonalDataReadConnection {
    /// The reads of this page.
    pub edges: Vec<PersonalDataReadEdge>,
    /// Where this page ends.
    pub page_info: PageInfo,
    /// How many match in all.
    pub total_count: i32,
}

/// The log of staff reads of personal data.
#[derive(Default)]
pub struct PersonalDataQuery;

#[Object]
impl PersonalDataQuery {
    /// Who of the bureau's staff read whose personal data, newest first (bureau
    /// administrators): one entry per operation and record, with the fields read. Kept
    /// `privacy.read_log_days` days.
    #[graphql(inaccessible)]
    async fn personal_data_reads(
        &self,
        ctx: &Context<'_>,
        filter: Option<PersonalDataReadFilter>,
        #[graphql(default = 50)] first: Option<i32>,
        after: Option<String>,
    ) -> Result<PersonalDataReadConnection> {
        let filter = filter.unwrap_or_default();
        let message = pb::ListPersonalDataReadsRequest {
            page: Some(common::PageRequest {
                first: u32::try_from(first.unwrap_or(50).max(0)).unwrap_or(0),
                after: after.unwrap_or_default(),
            }),
            actor_subject: filter.actor_subject.unwrap_or_default(),
            entity_type: filter
                .entity_type
                .map(|e| e.name().to_owned())
                .unwrap_or_default(),
            entity_id: filter.entity_id.map(|i| i.0).unwrap_or_default(),
            from: filter.from.map(timestamp),
            to: filter.to.map(timestamp),
        };
        let r = read(
            ctx,
            Notifier,
            "ListPersonalDataReads",
            message,
            |mut c, req| async move { c.list_personal_data_reads(req).await },
        )
        .await?
        .into_inner();
        let info = r.page_info.unwrap_or_default();
        Ok(PersonalDataReadConnection {
            page_info: PageInfo {
                has_next_page: info.has_next_page,
                has_previous_page: false,
                start_cursor: r.cursors.first().cloned(),
                end_cursor: non_empty(&info.end_cursor).map(str::to_owned),
            },
            edges: r
                .reads
                .into_iter()
                .zip(r.cursors)
                .map(|(n, cursor)| PersonalDataReadEdge {
                    cursor,
                    node: n.into(),
                })
                .collect(),
            total_count: i32::try_from(r.total_count).unwrap_or(i32::MAX),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::upstream::Identity;

    #[test]
    fn reads_of_one_record_gather_their_fields() {
        let reads = OperationReads::default();
        reads.note(
            PersonalDataEntity::TrainingApplication,
            "a1",
            "profile.grade",
        );
        reads.note(PersonalDataEntity::PartnerContact, "c1", "email");
        reads.note(
            PersonalDataEntity::TrainingApplication,
            "a1",
            "profile.fullName",
        );
        reads.note(
            PersonalDataEntity::TrainingApplication,
            "a1",
            "profile.grade",
        );
        let taken = reads.take();
        assert_eq!(taken.len(), 2);
        assert_eq!(taken[0].entity_type, "TRAINING_APPLICATION");
        assert_eq!(taken[0].fields, ["profile.fullName", "profile.grade"]);
        assert!(reads.take().is_empty());
    }

    struct Root;

    #[Object]
    impl Root {
        async fn full_name(&self, ctx: &Context<'_>) -> Option<&str> {
            applicants().read(ctx, "profile.fullName", Some("Nguyen Thi Lan"))
        }

        async fn grade(&self, ctx: &Context<'_>) -> Option<i32> {
            applicants().read(ctx, "profile.grade", None)
        }
    }

    fn applicants() -> Holder<'static> {
        Holder::new(
            PersonalDataEntity::TrainingApplication,
            "app-1",
            Some("official-danang"),
        )
    }

    /// What `{ fullName grade }` notes for `caller`.
    async fn noted(caller: Option<Caller>) -> Vec<pb::PersonalDataRead> {
        let schema = async_graphql::Schema::new(
            Root,
            async_graphql::EmptyMutation,
            async_graphql::EmptySubscription,
        );
        let reads = Arc::new(OperationReads::default());
        let request = Request::new("{ fullName grade }")
            .data(Identity(caller))
            .data(reads.clone());
        let response = schema.execute(request).await;
        assert!(response.errors.is_empty(), "{:?}", response.errors);
        reads.take()
    }

    #[tokio::test]
    async fn staff_reads_of_someone_elses_data_with_a_value_are_noted() {
        let staff = Caller::new("staff-park", "Park", "GAOK", [Role::BureauStaff]);
        let noted_for_staff = noted(Some(staff)).await;
        assert_eq!(noted_for_staff.len(), 1);
        assert_eq!(noted_for_staff[0].entity_id, "app-1");
        assert_eq!(
            noted_for_staff[0].fields,
            ["profile.fullName"],
            "grade is empty"
        );
        let admin = Caller::new("admin", "Admin", "GAOK", [Role::BureauAdmin]);
        assert_eq!(noted(Some(admin)).await.len(), 1);
    }

    #[tokio::test]
    async fn own_data_and_other_callers_are_not_noted() {
        let applicant = Caller::new("official-danang", "Lan", "VN-DN", [Role::LocalOfficial]);
        assert!(noted(Some(applicant)).await.is_empty());
        // Their own data, even for someone who is also bureau staff.
        let own = Caller::new(
            "official-danang",
            "Lan",
            "GAOK",
            [Role::BureauStaff, Role::LocalOfficial],
        );
        assert!(noted(Some(own)).await.is_empty());
        let partner = Caller::new("partner-osaka", "Osaka", "ORG-1", [Role::Partner]);
        assert!(noted(Some(partner)).await.is_empty());
        assert!(noted(None).await.is_empty());
    }

    #[test]
    fn entity_names_round_trip() {
        for e in [
            PersonalDataEntity::TrainingApplication,
            PersonalDataEntity::PartnerContact,
            PersonalDataEntity::OrganisationProfileChange,
            PersonalDataEntity::EventRegistration,
            PersonalDataEntity::EmailDelivery,
        ] {
            assert_eq!(PersonalDataEntity::of(e.name()), Some(e));
        }
    }
}
