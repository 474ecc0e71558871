//! Builds the views of stored requests: one query per related table, not per request.

use std::collections::HashMap;

use sea_orm::ConnectionTrait;

use super::requests::StoredRequest;
use super::{activity, directory, relations, survey};
use crate::domain::{
    Department, HistoryEntry, LocalGovernment, Parts, RequestId, RequestMessage, RequestSla,
    Requester, ServiceRequest, StaffMember,
};
use crate::error::RequestsError;

fn distinct(codes: impl Iterator<Item = String>) -> Vec<String> {
    let mut codes: Vec<String> = codes.collect();
    codes.sort();
    codes.dedup();
    codes
}

/// The views of `rows` with the `parts` asked for: local government, department and
/// assignee, every message and history entry, the rating, the relations, the texts (each
/// part left out is not queried and reads empty). Nothing is scoped or judged here:
/// `overdue` and the service level's judged figures are left for the service to decide,
/// staff notes are included.
pub(crate) async fn views(
    db: &impl ConnectionTrait,
    rows: Vec<StoredRequest>,
    parts: Parts,
) -> Result<Vec<ServiceRequest>, RequestsError> {
    let lg_codes = if parts.local_government {
        distinct(rows.iter().map(|r| r.local_government_code.clone()))
    } else {
        Vec::new()
    };
    let (dept_codes, staff_ids) = if parts.people {
        (
            distinct(rows.iter().filter_map(|r| r.department_code.clone())),
            distinct(rows.iter().filter_map(|r| r.assignee_id.clone())),
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let lgs: HashMap<String, LocalGovernment> = directory::local_governments(db, &lg_codes)
        .await?
        .into_iter()
        .map(|l| (l.code.clone(), l))
        .collect();
    let depts: HashMap<String, Department> = directory::departments(db, &dept_codes)
        .await?
        .into_iter()
        .map(|d| (d.code.clone(), d))
        .collect();
    let members: HashMap<String, StaffMember> = directory::staff_by_ids(db, &staff_ids)
        .await?
        .into_iter()
        .map(|s| (s.id.clone(), s))
        .collect();

    let ids: Vec<RequestId> = rows.iter().map(|r| r.id).collect();
    let mut surveys = if parts.survey {
        survey::of(db, &ids).await?
    } else {
        HashMap::new()
    };
    let mut related = if parts.relations {
        relations::of(db, &ids).await?
    } else {
        HashMap::new()
    };
    let mut messages: HashMap<RequestId, Vec<RequestMessage>> = HashMap::new();
    let mut history: HashMap<RequestId, Vec<HistoryEntry>> = HashMap::new();
    if parts.activity {
        for (id, m) in activity::messages_of(db, &ids).await? {
            messages.entry(id).or_default().push(m);
        }
        for (id, h) in activity::history_of(db, &ids).await? {
            history.entry(id).or_default().push(h);
        }
    }

    Ok(rows
        .into_iter()
        .map(|r| ServiceRequest {
            local_government: lgs.get(&r.local_government_code).cloned(),
            department: r
                .department_code
                .as_ref()
                .and_then(|d| depts.get(d))
                .cloned(),
            assignee: r.assignee_id.as_ref().and_then(|s| members.get(s)).cloned(),
            messages: messages.remove(&r.id).unwrap_or_default(),
            history: history.remove(&r.id).unwrap_or_default(),
            survey: surveys.remove(&r.id),
            relations: related.remove(&r.id).unwrap_or_default(),
            overdue: false,
            sla: RequestSla {
                first_response_clock: r.first_response_clock,
                resolution_clock: r.resolution_clock,
                paused_since: r.paused_at,
                remaining_minutes: None,
                first_response_breached: r.first_response_breached_at.is_some(),
                resolution_breached: r.breached_at.is_some(),
                warned_at: r.warned_at,
                breached_at: r.breached_at,
                first_response_warned_at: r.first_response_warned_at,
                first_response_breached_at: r.first_response_breached_at,
            },
            id: r.id,
            number: r.number,
            request_type: r.request_type,
            title: r.title,
            description: if parts.texts {
                r.description
            } else {
                String::new()
            },
            details: r.details.filter(|_| parts.texts),
            state: r.state,
            requester: Requester {
                subject: r.requester_subject,
                name: r.requester_name,
                local_government_code: r.local_government_code,
            },
            routing: r.routing,
            created_at: r.created_at,
            updated_at: r.updated_at,
            first_response_due_at: r.first_response_due_at,
            resolution_due_at: r.resolution_due_at,
            first_responded_at: r.first_responded_at,
            final_responded_at: r.final_responded_at,
            expected_completion_at: r.expected_completion_at,
            version: r.version,
            reject_reason: r.reject_reason,
        })
        .collect())
}
