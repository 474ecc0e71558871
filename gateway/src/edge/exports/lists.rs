//! The lists an export can hold: how each reads one page through its service's list call
//! (with the caller's identity, so the service scopes it exactly like the GraphQL list) and
//! which columns it writes.

use std::collections::HashMap;

use glocal_kit::Caller;
use glocal_proto::common::v1::{self as common, PageRequest};
use glocal_proto::events::v1 as events;
use glocal_proto::events::v1::events_service_client::EventsServiceClient;
use glocal_proto::requests::v1 as requests;
use glocal_proto::research::v1 as research;
use glocal_proto::research::v1::research_service_client::ResearchServiceClient;
use glocal_proto::training::v1 as training;
use glocal_proto::training::v1::training_service_client::TrainingServiceClient;

use super::{ExportParams, PAGE, Page, Refusal, bad_filter, enum_name, kst, parse_filter, refused};
use crate::feeds::FeedState;
use crate::schema::events::EventRegistrationFilter;
use crate::schema::language::{Language, pick};
use crate::schema::requests::ServiceRequestFilter;
use crate::schema::research::PracticeFilter;
use crate::schema::training::TrainingApplicationFilter;

/// A list that can be exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum List {
    /// `serviceRequests(filter:)`.
    ServiceRequests,
    /// `applications(filter:)`.
    TrainingApplications,
    /// `eventRegistrations(filter:)`.
    EventRegistrations,
    /// `practices(search:, filter:)`.
    Practices,
}

impl List {
    /// Every list.
    pub(super) const ALL: [List; 4] = [
        List::ServiceRequests,
        List::TrainingApplications,
        List::EventRegistrations,
        List::Practices,
    ];

    /// The list's name in the file's path.
    pub(super) fn name(self) -> &'static str {
        match self {
            List::ServiceRequests => "service-requests",
            List::TrainingApplications => "training-applications",
            List::EventRegistrations => "event-registrations",
            List::Practices => "practices",
        }
    }

    /// The list named `name`.
    pub(super) fn of(name: &str) -> Option<List> {
        List::ALL.into_iter().find(|l| l.name() == name)
    }

    /// The columns, as catalogue keys of their headers.
    pub(super) fn columns(self) -> &'static [&'static str] {
        match self {
            List::ServiceRequests => &[
                "export-number",
                "export-type",
                "export-title",
                "export-state",
                "export-local-government",
                "export-department",
                "export-assignee",
                "export-requester",
                "export-submitted-at",
                "export-resolution-due-at",
                "export-first-response-at",
                "export-final-response-at",
            ],
            List::TrainingApplications => &[
                "export-id",
                "export-programme",
                "export-edition",
                "export-applicant",
                "export-nationality",
                "export-organisation",
                "export-grade",
                "export-state",
                "export-review-stage",
                "export-waitlist-position",
                "export-submitted-at",
                "export-updated-at",
            ],
            List::EventRegistrations => &[
                "export-id",
                "export-event",
                "export-registration-kind",
                "export-state",
                "export-registrant",
                "export-organisation",
                "export-attendee",
                "export-country",
                "export-seats",
                "export-waitlist-position",
                "export-check-in-days",
                "export-registered-at",
            ],
            List::Practices => &[
                "export-id",
                "export-title",
                "export-state",
                "export-area",
                "export-country",
                "export-city",
                "export-local-government",
                "export-year",
                "export-languages",
                "export-tags",
                "export-author",
                "export-published-at",
                "export-updated-at",
            ],
        }
    }

    /// What the export's parameters select from this list.
    pub(super) fn select(self, params: &ExportParams) -> Result<Selection, Refusal> {
        Ok(match self {
            List::ServiceRequests => Selection::ServiceRequests(
                parse_filter::<ServiceRequestFilter>(params)?
                    .map(ServiceRequestFilter::into_proto)
                    .unwrap_or_default(),
            ),
            List::TrainingApplications => Selection::TrainingApplications(
                parse_filter::<TrainingApplicationFilter>(params)?
                    .map(|f| {
                        f.into_proto().map_err(|e| {
                            bad_filter(e.into_server_error(Default::default()).message)
                        })
                    })
                    .transpose()?
                    .unwrap_or_default(),
            ),
            List::EventRegistrations => Selection::EventRegistrations(
                parse_filter::<EventRegistrationFilter>(params)?
                    .map(EventRegistrationFilter::into_proto)
                    .unwrap_or_default(),
            ),
            List::Practices => Selection::Practices {
                search: params.search.clone().unwrap_or_default(),
                filter: parse_filter::<PracticeFilter>(params)?
                    .map(PracticeFilter::into_proto)
                    .unwrap_or_default(),
            },
        })
    }
}

/// A list with its filter, as the owning service takes it.
pub(super) enum Selection {
    ServiceRequests(requests::RequestFilter),
    TrainingApplications(training::ApplicationFilter),
    EventRegistrations(events::RegistrationFilter),
    Practices {
        search: String,
        filter: research::PracticeFilter,
    },
}

impl Selection {
    /// The page after `after`, as cells in the list's column order.
    pub(super) async fn page(
        &self,
        state: &FeedState,
        caller: Option<&Caller>,
        after: String,
        lang: Language,
    ) -> Result<Page, Refusal> {
        let services = &state.services;
        let page = Some(PageRequest { first: PAGE, after });
        match self {
            Selection::ServiceRequests(filter) => {
                let message = requests::ListRequestsRequest {
                    filter: Some(filter.clone()),
                    page,
                    include_activity: false,
                    order: requests::RequestOrder::Newest as i32,
                    mask: None,
                };
                let r = state
                    .read_retry
                    .read(
                        "ListRequests",
                        &services.requests,
                        message,
                        caller,
                        services.timeout,
                        |mut client, request| async move { client.list_requests(request).await },
                    )
                    .await
                    .map_err(|s| refused(&s))?
                    .into_inner();
                Ok(paged(
                    r.page_info,
                    r.requests.iter().map(|x| request_cells(x, lang)).collect(),
                ))
            }
            Selection::TrainingApplications(filter) => {
                let message = training::ListApplicationsRequest {
                    filter: Some(filter.clone()),
                    page,
                };
                let client = TrainingServiceClient::new(services.training.clone());
                let r = state
                    .read_retry
                    .read(
                        "ListApplications",
                        &client,
                        message,
                        caller,
                        services.timeout,
                        |mut client, request| async move { client.list_applications(request).await },
                    )
                    .await
                    .map_err(|s| refused(&s))?
                    .into_inner();
                Ok(paged(
                    r.page_info,
                    r.applications
                        .iter()
                        .map(|x| application_cells(x, lang))
                        .collect(),
                ))
            }
            Selection::EventRegistrations(filter) => {
                let message = events::ListRegistrationsRequest {
                    filter: Some(filter.clone()),
                    page,
                };
                let client = EventsServiceClient::new(services.events.clone());
                let r =
                    state
                        .read_retry
                        .read(
                            "ListRegistrations",
                            &client,
                            message,
                            caller,
                            services.timeout,
                            |mut client, request| async move {
                                client.list_registrations(request).await
                            },
                        )
                        .await
                        .map_err(|s| refused(&s))?
                        .into_inner();
                // The events' titles, in one call per page.
                let mut ids: Vec<String> =
                    r.registrations.iter().map(|x| x.event_id.clone()).collect();
                ids.sort();
                ids.dedup();
                let titles: HashMap<String, String> = if ids.is_empty() {
                    HashMap::new()
                } else {
                    state
                        .read_retry
                        .read(
                            "BatchGetEvents",
                            &client,
                            events::BatchGetEventsRequest { ids },
                            caller,
                            services.timeout,
                            |mut client, request| async move {
                                client.batch_get_events(request).await
                            },
                        )
                        .await
                        .map_err(|s| refused(&s))?
                        .into_inner()
                        .events
                        .into_iter()
                        .map(|e| (e.id, pick(e.title.as_ref(), lang)))
                        .collect()
                };
                Ok(paged(
                    r.page_info,
                    r.registrations
                        .iter()
                        .map(|x| registration_cells(x, titles.get(&x.event_id)))
                        .collect(),
                ))
            }
            Selection::Practices { search, filter } => {
                let message = research::SearchPracticesRequest {
                    query: search.clone(),
                    filter: Some(filter.clone()),
                    page,
                    sort: 0,
                };
                let client = ResearchServiceClient::new(services.research.clone());
                let r = state
                    .read_retry
                    .read(
                        "SearchPractices",
                        &client,
                        message,
                        caller,
                        services.timeout,
                        |mut client, request| async move { client.search_practices(request).await },
                    )
                    .await
                    .map_err(|s| refused(&s))?
                    .into_inner();
                Ok(paged(
                    r.page_info,
                    r.practices
                        .iter()
                        .map(|x| practice_cells(x, lang))
                        .collect(),
                ))
            }
        }
    }
}

fn paged(info: Option<common::PageInfo>, rows: Vec<Vec<String>>) -> Page {
    let info = info.unwrap_or_default();
    Page {
        rows,
        has_next: info.has_next_page,
        end_cursor: info.end_cursor,
    }
}

/// `name (code)`, or the code alone when there is no name.
fn named(code: &str, name: Option<&common::LocalizedText>, lang: Language) -> String {
    let name = pick(name, lang);
    if name.is_empty() {
        code.to_owned()
    } else {
        format!("{name} ({code})")
    }
}

/// A number, empty when zero (not stated, not waitlisted, …).
fn number(n: u32) -> String {
    if n == 0 { String::new() } else { n.to_string() }
}

fn request_cells(r: &requests::ServiceRequest, lang: Language) -> Vec<String> {
    let ty = requests::RequestType::try_from(r.r#type).unwrap_or_default();
    let state = requests::RequestState::try_from(r.state).unwrap_or_default();
    let lg = r
        .local_government
        .as_ref()
        .map(|l| named(&l.code, l.name.as_ref(), lang))
        .unwrap_or_default();
    let department = r
        .department
        .as_ref()
        .filter(|d| !d.code.is_empty())
        .map(|d| named(&d.code, d.name.as_ref(), lang))
        .unwrap_or_default();
    let assignee = r
        .assignee
        .as_ref()
        .filter(|s| !s.id.is_empty())
        .map(|s| format!("{} ({})", s.name, s.id))
        .unwrap_or_default();
    vec![
        r.number.clone(),
        enum_name(ty.as_str_name(), "REQUEST_TYPE_"),
        r.title.clone(),
        enum_name(state.as_str_name(), "REQUEST_STATE_"),
        lg,
        department,
        assignee,
        r.requester
            .as_ref()
            .map(|p| p.name.clone())
            .unwrap_or_default(),
        kst(r.created_at.as_ref()),
        kst(r.resolution_due_at.as_ref()),
        kst(r.first_responded_at.as_ref()),
        kst(r.final_responded_at.as_ref()),
    ]
}

fn application_cells(a: &training::Application, lang: Language) -> Vec<String> {
    let state = training::ApplicationState::try_from(a.state).unwrap_or_default();
    let profile = a.profile.clone().unwrap_or_default();
    vec![
        a.id.clone(),
        a.programme
            .as_ref()
            .map(|p| pick(p.title.as_ref(), lang))
            .unwrap_or_default(),
        a.edition_term.clone(),
        profile.full_name,
        profile.nationality,
        profile.organisation,
        number(profile.grade),
        enum_name(state.as_str_name(), "APPLICATION_STATE_"),
        number(a.current_stage),
        number(a.waitlist_position),
        kst(a.submitted_at.as_ref()),
        kst(a.updated_at.as_ref()),
    ]
}

fn registration_cells(r: &events::Registration, event_title: Option<&String>) -> Vec<String> {
    let kind = events::RegistrationKind::try_from(r.kind).unwrap_or_default();
    let state = events::RegistrationState::try_from(r.state).unwrap_or_default();
    let mut days: Vec<&str> = r.check_ins.iter().map(|c| c.day.as_str()).collect();
    days.sort_unstable();
    days.dedup();
    let event = match event_title {
        Some(title) if !title.is_empty() => format!("{title} ({})", r.event_id),
        _ => r.event_id.clone(),
    };
    let organisation = if r.organization.is_empty() {
        r.registrant_org.clone()
    } else {
        r.organization.clone()
    };
    vec![
        r.id.clone(),
        event,
        enum_name(kind.as_str_name(), "REGISTRATION_KIND_"),
        enum_name(state.as_str_name(), "REGISTRATION_STATE_"),
        r.registrant_name.clone(),
        organisation,
        r.attendee_name.clone(),
        r.country.clone(),
        r.seats.to_string(),
        number(r.waitlist_position),
        days.join(" "),
        kst(r.created_at.as_ref()),
    ]
}

fn practice_cells(p: &research::Practice, lang: Language) -> Vec<String> {
    let state = research::PracticeState::try_from(p.state).unwrap_or_default();
    let content = p.content.clone().unwrap_or_default();
    vec![
        p.id.clone(),
        pick(content.title.as_ref(), lang),
        enum_name(state.as_str_name(), "PRACTICE_STATE_"),
        content.area_code,
        content.country,
        content.city,
        content.local_government_code,
        if content.year == 0 {
            String::new()
        } else {
            content.year.to_string()
        },
        p.languages.join(" "),
        content.tags.join(", "),
        p.author_name.clone(),
        kst(p.published_at.as_ref()),
        kst(p.updated_at.as_ref()),
    ]
}
