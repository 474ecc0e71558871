//! The log of staff reads of personal data (ADR 0039): what one GraphQL operation read
//! ([`ReadBatch`]: which records, which of their fields), who may record and who may list
//! ([`may_record`], [`may_list`]), and the filter of the list ([`ReadFilter`]). Pure: no I/O.

use chrono::{DateTime, Utc};
use glocal_kit::domain::InvalidInput;
use glocal_kit::i18n::Message;
use glocal_kit::{Caller, Role};
use uuid::Uuid;

glocal_kit::text_enum!(
    /// What holds the personal data read (the GraphQL type that carries the fields).
    EntityType, "entityType" {
        /// A training application: the applicant's profile, answers and papers.
        TrainingApplication => "TRAINING_APPLICATION",
        /// A contact of a partner organisation: e-mail and phone.
        PartnerContact => "PARTNER_CONTACT",
        /// A partner's proposed profile change: its contacts' e-mail and phone.
        OrganisationProfileChange => "ORGANISATION_PROFILE_CHANGE",
        /// An event registration: registrant, attendee and delegation members.
        EventRegistration => "EVENT_REGISTRATION",
        /// An e-mail delivery of a notice: recipient and address.
        EmailDelivery => "EMAIL_DELIVERY",
    }
);

/// Longest entity id, field name and operation name kept (longer ones are cut, not refused:
/// the log must never lose a read because of a long name).
const MAX_TEXT: usize = 200;

/// Most fields one read names (a record has far fewer personal fields).
const MAX_FIELDS: usize = 50;

/// Most records one batch names; more are refused so one operation cannot flood the log.
pub const MAX_READS: usize = 10_000;

fn cut(text: &str) -> String {
    text.trim().chars().take(MAX_TEXT).collect()
}

/// One record whose personal fields were read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonalDataRead {
    /// What holds the data.
    pub entity_type: EntityType,
    /// Its id.
    pub entity_id: String,
    /// The fields read, sorted and without repeats (`profile.fullName`, `email`…).
    pub fields: Vec<String>,
}

impl PersonalDataRead {
    /// Parses one read; `field` is its path in the request (`reads[3]`).
    pub fn parse(
        field: &str,
        entity_type: &str,
        entity_id: &str,
        fields: &[String],
    ) -> Result<PersonalDataRead, InvalidInput> {
        let entity_type =
            EntityType::parse(entity_type).map_err(|e| e.at(format!("{field}.entityType")))?;
        let entity_id = cut(entity_id);
        if entity_id.is_empty() {
            return Err(InvalidInput::localized(
                format!("{field}.entityId"),
                Message::new("input-required"),
            ));
        }
        let mut fields: Vec<String> = fields
            .iter()
            .map(|f| cut(f))
            .filter(|f| !f.is_empty())
            .take(MAX_FIELDS)
            .collect();
        fields.sort_unstable();
        fields.dedup();
        if fields.is_empty() {
            return Err(InvalidInput::localized(
                format!("{field}.fields"),
                Message::new("input-required"),
            ));
        }
        Ok(PersonalDataRead {
            entity_type,
            entity_id,
            fields,
        })
    }
}

/// What one operation of one reader read: recorded once per `batch_id` (the gateway retries).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadBatch {
    /// Unique per operation.
    pub batch_id: Uuid,
    /// The GraphQL operation's name (empty when anonymous).
    pub operation: String,
    /// When the operation ran.
    pub read_at: DateTime<Utc>,
    /// The records read, one per record (reads of the same record merged).
    pub reads: Vec<PersonalDataRead>,
}

impl ReadBatch {
    /// A batch of `reads`, merging reads of the same record; refuses a bad batch id and more
    /// than [`MAX_READS`] records.
    pub fn parse(
        batch_id: &str,
        operation: &str,
        read_at: DateTime<Utc>,
        reads: Vec<PersonalDataRead>,
    ) -> Result<ReadBatch, InvalidInput> {
        let batch_id = Uuid::parse_str(batch_id.trim())
            .map_err(|_| InvalidInput::localized("batchId", Message::new("input-uuid")))?;
        if reads.len() > MAX_READS {
            return Err(InvalidInput::localized(
                "reads",
                Message::new("input-at-most-reads").arg("max", MAX_READS),
            ));
        }
        let mut merged: Vec<PersonalDataRead> = Vec::with_capacity(reads.len());
        for read in reads {
            match merged
                .iter_mut()
                .find(|m| m.entity_type == read.entity_type && m.entity_id == read.entity_id)
            {
                Some(m) => {
                    m.fields.extend(read.fields);
                    m.fields.sort_unstable();
                    m.fields.dedup();
                }
                None => merged.push(read),
            }
        }
        Ok(ReadBatch {
            batch_id,
            operation: cut(operation),
            read_at,
            reads: merged,
        })
    }
}

/// Whose reads are recorded: bureau staff and admins (the gateway sends nothing for anyone
/// else; the reader is the signed caller, never a field of the request).
pub fn may_record(caller: &Caller) -> bool {
    caller.has(Role::BureauStaff) || caller.has(Role::BureauAdmin)
}

/// Who may list the log: bureau admins.
pub fn may_list(caller: &Caller) -> bool {
    caller.has(Role::BureauAdmin)
}

/// Which recorded reads to list; every part optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadFilter {
    /// Reads by this subject.
    pub actor_subject: Option<String>,
    /// Reads of this kind of record, and of this one record when the id is given.
    pub entity: Option<(EntityType, Option<String>)>,
    /// Reads at or after.
    pub from: Option<DateTime<Utc>>,
    /// Reads before.
    pub to: Option<DateTime<Utc>>,
}

impl ReadFilter {
    /// Parses a filter (empty text = no filter); an entity id needs its type, and `to`
    /// must be after `from`.
    pub fn parse(
        actor_subject: &str,
        entity_type: &str,
        entity_id: &str,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
    ) -> Result<ReadFilter, InvalidInput> {
        let some = |t: &str| Some(t.trim().to_owned()).filter(|t| !t.is_empty());
        let entity = match (some(entity_type), some(entity_id)) {
            (None, None) => None,
            (None, Some(_)) => {
                return Err(InvalidInput::localized(
                    "entityId",
                    Message::new("input-entity-id-needs-type"),
                ));
            }
            (Some(t), id) => Some((EntityType::parse(&t)?, id)),
        };
        if let (Some(from), Some(to)) = (from, to)
            && to <= from
        {
            return Err(InvalidInput::localized(
                "to",
                Message::new("input-after-from"),
            ));
        }
        Ok(ReadFilter {
            actor_subject: some(actor_subject),
            entity,
            from,
            to,
        })
    }
}

/// One recorded read, as admins list them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadView {
    /// Its sequence number (the id and the cursor).
    pub seq: i64,
    /// Who read.
    pub actor_subject: String,
    /// Their name when they read.
    pub actor_name: String,
    /// What holds the data.
    pub entity_type: EntityType,
    /// Its id.
    pub entity_id: String,
    /// The fields read.
    pub fields: Vec<String>,
    /// The operation's name (empty when anonymous).
    pub operation: String,
    /// When.
    pub read_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(t: &str, id: &str, fields: &[&str]) -> PersonalDataRead {
        let fields: Vec<String> = fields.iter().map(|f| (*f).to_owned()).collect();
        PersonalDataRead::parse("reads[0]", t, id, &fields).unwrap()
    }

    #[test]
    fn reads_of_one_record_merge_and_fields_sort() {
        let batch = ReadBatch::parse(
            &Uuid::now_v7().to_string(),
            "Application",
            Utc::now(),
            vec![
                read(
                    "TRAINING_APPLICATION",
                    "a1",
                    &["profile.grade", "profile.fullName"],
                ),
                read("PARTNER_CONTACT", "c1", &["email"]),
                read(
                    "TRAINING_APPLICATION",
                    "a1",
                    &["profile.fullName", "answers"],
                ),
            ],
        )
        .unwrap();
        assert_eq!(batch.reads.len(), 2);
        assert_eq!(
            batch.reads[0].fields,
            ["answers", "profile.fullName", "profile.grade"]
        );
    }

    #[test]
    fn bad_reads_name_their_field() {
        let e = PersonalDataRead::parse("reads[2]", "PASSPORT", "x", &["a".into()]).unwrap_err();
        assert_eq!(e.field(), "reads[2].entityType");
        let e = PersonalDataRead::parse("reads[0]", "PARTNER_CONTACT", " ", &["email".into()])
            .unwrap_err();
        assert_eq!(e.field(), "reads[0].entityId");
        let e = PersonalDataRead::parse("reads[0]", "PARTNER_CONTACT", "c", &[]).unwrap_err();
        assert_eq!(e.field(), "reads[0].fields");
        let e = ReadBatch::parse("not-a-uuid", "", Utc::now(), vec![]).unwrap_err();
        assert_eq!(e.field(), "batchId");
    }

    #[test]
    fn filters_parse() {
        assert_eq!(
            ReadFilter::parse("", "", "", None, None).unwrap(),
            ReadFilter::default()
        );
        let f = ReadFilter::parse(" staff-kim ", "EVENT_REGISTRATION", "r1", None, None).unwrap();
        assert_eq!(f.actor_subject.as_deref(), Some("staff-kim"));
        assert_eq!(
            f.entity,
            Some((EntityType::EventRegistration, Some("r1".into())))
        );
        let e = ReadFilter::parse("", "", "r1", None, None).unwrap_err();
        assert_eq!(e.field(), "entityId");
        let now = Utc::now();
        let e = ReadFilter::parse("", "", "", Some(now), Some(now)).unwrap_err();
        assert_eq!(e.field(), "to");
    }

    #[test]
    fn staff_record_and_admins_list() {
        let staff = Caller::new("s", "S", "GAOK", [Role::BureauStaff]);
        let admin = Caller::new("a", "A", "GAOK", [Role::BureauAdmin]);
        let official = Caller::new("o", "O", "11000", [Role::LocalOfficial]);
        assert!(may_record(&staff) && may_record(&admin) && !may_record(&official));
        assert!(may_list(&admin) && !may_list(&staff));
    }
}
