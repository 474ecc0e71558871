//! Submitting a request: first its kind, then that kind's typed form; an input error the API
//! reports is shown next to the field it names, with a summary at the top.

use std::collections::HashMap;

use askama::Template;
use axum::Extension;
use axum::Form;
use axum::extract::{FromRequest, Query, Request, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::files::{Refused, base_name, open_form, refused_file, upload};
use super::{Choice, TYPES, choices, opt, parse_enum, text};
use crate::PortalState;
use crate::api::ApiError;
use crate::i18n::Words;
use crate::operations::*;
use crate::pages::{
    Page, api_error, csrf_refused, render, signed_in, to_sign_in, too_large, url_encode,
};
use crate::session::{Person, Visit};

/// One field of a form.
pub struct Field {
    /// The form name (`delegation_size`).
    pub name: &'static str,
    /// `text`, `textarea`, `date`, `number`, `select` or `checkbox`.
    pub kind: &'static str,
    /// Its label.
    pub label: String,
    /// A hint under the label, if any.
    pub hint: String,
    /// Whether it must be filled.
    pub required: bool,
    /// What was typed.
    pub value: String,
    /// The error to show next to it.
    pub error: Option<String>,
    /// A select's choices.
    pub options: Vec<Choice>,
}

/// (form name, API field's last segment, kind, required, select values)
type Spec = (
    &'static str,
    &'static str,
    &'static str,
    bool,
    &'static [&'static str],
);

const COMMON: [Spec; 2] = [
    ("title", "title", "text", true, &[]),
    ("description", "description", "textarea", true, &[]),
];

fn specs(kind: &str) -> &'static [Spec] {
    match kind {
        "INTERPRETATION_TRANSLATION" => &[
            (
                "mode",
                "mode",
                "select",
                true,
                &["INTERPRETATION", "TRANSLATION"],
            ),
            ("source_language", "sourceLanguage", "text", true, &[]),
            ("target_language", "targetLanguage", "text", true, &[]),
            ("start_date", "startDate", "date", false, &[]),
            ("end_date", "endDate", "date", false, &[]),
            ("venue", "venue", "text", false, &[]),
            ("online", "online", "checkbox", false, &[]),
            ("document_pages", "documentPages", "number", false, &[]),
        ],
        "INTERNATIONAL_EXCHANGE" => &[
            ("partner_country", "partnerCountry", "text", true, &[]),
            (
                "partner_organization",
                "partnerOrganization",
                "text",
                true,
                &[],
            ),
            (
                "exchange_kind",
                "exchangeKind",
                "select",
                true,
                &[
                    "SISTER_CITY",
                    "FRIENDSHIP_CITY",
                    "MEMORANDUM",
                    "PROJECT",
                    "OTHER",
                ],
            ),
        ],
        "OVERSEAS_VISIT" => &[
            ("destination_country", "country", "text", true, &[]),
            ("destination_city", "city", "text", true, &[]),
            ("destination_country_2", "country", "text", false, &[]),
            ("destination_city_2", "city", "text", false, &[]),
            ("destination_country_3", "country", "text", false, &[]),
            ("destination_city_3", "city", "text", false, &[]),
            ("departure_date", "departureDate", "date", true, &[]),
            ("return_date", "returnDate", "date", true, &[]),
            ("delegation_size", "delegationSize", "number", true, &[]),
            ("purpose", "purpose", "textarea", true, &[]),
        ],
        "INFORMATION_REQUEST" => &[
            ("topic", "topic", "text", true, &[]),
            ("countries", "countries", "text", false, &[]),
            ("needed_by", "neededBy", "date", false, &[]),
        ],
        "GENERAL_INQUIRY" => &[("topic", "topic", "text", true, &[])],
        _ => &[],
    }
}

/// The form's fields for `kind` with `values` and `errors` (by form name).
fn fields(
    w: Words,
    kind: &str,
    values: &HashMap<String, String>,
    errors: &HashMap<String, String>,
) -> Vec<Field> {
    COMMON
        .iter()
        .chain(specs(kind))
        .map(|(name, _, input, required, options)| {
            let value = values.get(*name).cloned().unwrap_or_default();
            let hint = w.get(&format!("hint-{name}")).unwrap_or_default();
            Field {
                name,
                kind: input,
                label: w.t(&format!("field-{name}")),
                hint,
                required: *required,
                error: errors.get(*name).cloned(),
                options: choices(w, "option", options, &value),
                value,
            }
        })
        .chain(std::iter::once(Field {
            // Files go with the form (its last part): streamed to the request once it exists.
            name: "files",
            kind: "file",
            label: w.t("field-files"),
            hint: w.t("hint-files"),
            required: false,
            value: String::new(),
            error: errors.get("files").cloned(),
            options: Vec::new(),
        }))
        .collect()
}

/// The destinations a visit's form offers: the first is required, the others optional.
const DESTINATIONS: [(&str, &str); 3] = [
    ("destination_country", "destination_city"),
    ("destination_country_2", "destination_city_2"),
    ("destination_country_3", "destination_city_3"),
];

/// The form name of the API's field path (`details.overseasVisit.destinations[0].city`).
fn form_name(kind: &str, api_field: &str) -> Option<&'static str> {
    // A destination's field: by its index among the filled-in destinations' rows.
    if let Some(rest) = api_field.split("destinations[").nth(1)
        && let Some((index, field)) = rest.split_once("].")
        && let Ok(index) = index.parse::<usize>()
    {
        let (country, city) = DESTINATIONS.get(index)?;
        return match field {
            "country" => Some(country),
            "city" => Some(city),
            _ => None,
        };
    }
    let last = api_field
        .rsplit('.')
        .next()
        .unwrap_or(api_field)
        .split('[')
        .next()
        .unwrap_or_default();
    COMMON
        .iter()
        .chain(specs(kind))
        .find(|(_, api, ..)| *api == last)
        .map(|(name, ..)| *name)
}

/// The submission form: first the type, then that type's fields.
#[derive(Template)]
#[template(path = "new_request.html")]
pub struct NewRequestPage {
    /// The frame.
    pub page: Page,
    /// The chosen type, once chosen.
    pub kind: Option<String>,
    /// The type's name, in words.
    pub kind_label: String,
    /// The types to choose from.
    pub types: Vec<Choice>,
    /// The fields of the chosen type.
    pub fields: Vec<Field>,
    /// Retries send the same key: a double submission makes one request.
    pub idempotency_key: String,
    /// An error that belongs to no field.
    pub general_error: Option<String>,
    /// Whether any field has an error (the summary at the top).
    pub has_errors: bool,
}

/// `?type=…` of the form.
#[derive(Deserialize)]
pub struct NewQuery {
    #[serde(rename = "type")]
    kind: Option<String>,
}

/// `GET /requests/new`.
pub async fn new_form(
    Extension(visit): Extension<Visit>,
    uri: Uri,
    Query(query): Query<NewQuery>,
) -> Response {
    if signed_in(&visit).is_none() {
        return to_sign_in();
    }
    let kind = query.kind.filter(|k| TYPES.contains(&k.as_str()));
    new_page(
        &visit,
        &uri,
        StatusCode::OK,
        kind,
        &HashMap::new(),
        &HashMap::new(),
        None,
    )
}

fn new_page(
    visit: &Visit,
    uri: &Uri,
    status: StatusCode,
    kind: Option<String>,
    values: &HashMap<String, String>,
    errors: &HashMap<String, String>,
    general_error: Option<String>,
) -> Response {
    let w = Words(visit.lang);
    let key = values
        .get("idempotency_key")
        .cloned()
        .filter(|k| !k.is_empty())
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    render(
        status,
        &NewRequestPage {
            page: Page::new(visit, uri, "new-title"),
            kind_label: kind
                .as_deref()
                .map(|k| w.t(&format!("type-{k}")))
                .unwrap_or_default(),
            types: choices(w, "type", &TYPES, kind.as_deref().unwrap_or_default()),
            fields: kind
                .as_deref()
                .map(|k| fields(w, k, values, errors))
                .unwrap_or_default(),
            kind,
            idempotency_key: key,
            has_errors: !errors.is_empty() || general_error.is_some(),
            general_error,
        },
    )
}

/// A whole number typed in `name`; an error (by form name) when it is not one.
fn number(
    w: Words,
    values: &HashMap<String, String>,
    name: &'static str,
    errors: &mut HashMap<String, String>,
) -> Option<i64> {
    let raw = opt(values, name)?;
    match raw.parse::<i64>() {
        Ok(n) => Some(n),
        Err(_) => {
            errors.insert(name.to_owned(), w.t("error-whole-number"));
            None
        }
    }
}

fn details(
    w: Words,
    kind: &str,
    v: &HashMap<String, String>,
    errors: &mut HashMap<String, String>,
) -> submit_request::ServiceRequestDetailsInput {
    use submit_request as s;
    match kind {
        "INTERPRETATION_TRANSLATION" => s::ServiceRequestDetailsInput::InterpretationTranslation(
            s::InterpretationTranslationDetailsInput {
                mode: parse_enum(&text(v, "mode"))
                    .unwrap_or(s::InterpretationMode::Other(text(v, "mode"))),
                source_language: text(v, "source_language"),
                target_language: text(v, "target_language"),
                start_date: opt(v, "start_date"),
                end_date: opt(v, "end_date"),
                venue: opt(v, "venue"),
                online: v.contains_key("online"),
                document_pages: number(w, v, "document_pages", errors),
            },
        ),
        "INTERNATIONAL_EXCHANGE" => s::ServiceRequestDetailsInput::InternationalExchange(
            s::InternationalExchangeDetailsInput {
                partner_country: text(v, "partner_country").to_uppercase(),
                partner_organization: text(v, "partner_organization"),
                exchange_kind: parse_enum(&text(v, "exchange_kind"))
                    .unwrap_or(s::ExchangeKind::Other(text(v, "exchange_kind"))),
            },
        ),
        "OVERSEAS_VISIT" => {
            s::ServiceRequestDetailsInput::OverseasVisit(s::OverseasVisitDetailsInput {
                // Every row up to the last one filled in (the first always): rows keep their
                // places, so an error on `destinations[i]` finds row i's fields, and an empty
                // row before a filled one is the API's to refuse.
                destinations: DESTINATIONS
                    .iter()
                    .take(
                        DESTINATIONS
                            .iter()
                            .rposition(|(country, city)| {
                                !text(v, country).is_empty() || !text(v, city).is_empty()
                            })
                            .map_or(1, |last| last + 1),
                    )
                    .map(|(country, city)| s::DestinationInput {
                        country: text(v, country).to_uppercase(),
                        city: text(v, city),
                    })
                    .collect(),
                departure_date: text(v, "departure_date"),
                return_date: text(v, "return_date"),
                delegation_size: number(w, v, "delegation_size", errors).unwrap_or(0),
                purpose: text(v, "purpose"),
            })
        }
        "INFORMATION_REQUEST" => {
            s::ServiceRequestDetailsInput::InformationRequest(s::InformationRequestDetailsInput {
                topic: text(v, "topic"),
                countries: text(v, "countries")
                    .split([',', ' '])
                    .filter(|c| !c.is_empty())
                    .map(str::to_uppercase)
                    .collect(),
                needed_by: opt(v, "needed_by"),
            })
        }
        _ => s::ServiceRequestDetailsInput::GeneralInquiry(s::GeneralInquiryDetailsInput {
            topic: text(v, "topic"),
        }),
    }
}

/// `POST /requests`: submits the form; its page on success, the form with the errors next
/// to their fields otherwise. The portal's form is a file form (`multipart/form-data`): its
/// text parts come first and are submitted as soon as the first file part arrives, then each
/// chosen file is streamed to the new request (as `POST /requests/{id}/attach` does). A file
/// the API refuses is said next to the request page's file field, the request kept. A plain
/// form (`application/x-www-form-urlencoded`) submits without files.
pub async fn submit(
    State(state): State<PortalState>,
    Extension(visit): Extension<Visit>,
    uri: Uri,
    request: Request,
) -> Response {
    let Some(person) = signed_in(&visit).cloned() else {
        return to_sign_in();
    };
    let multipart = request
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    if !multipart {
        let values = match Form::<Vec<(String, String)>>::from_request(request, &state).await {
            Ok(Form(form)) => form.into_iter().collect(),
            Err(e) => return e.into_response(),
        };
        return match submission(&state, &visit, &uri, &person, &values, false).await {
            Ok(id) => submitted(&id),
            Err(page) => page,
        };
    }

    let Some(mut form) = open_form(&visit, &uri, request).await else {
        return csrf_refused(&state, &visit);
    };
    // The text parts, up to the first file part.
    let mut values = HashMap::new();
    let mut file = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) if field.file_name().is_some() => {
                file = Some(field);
                break;
            }
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_owned();
                match field.text().await {
                    Ok(value) => values.insert(name, value),
                    Err(_) => return too_large(&state, &visit),
                };
            }
            Ok(None) => break,
            Err(_) => return too_large(&state, &visit),
        }
    }
    let chosen = file
        .as_ref()
        .is_some_and(|f| !f.file_name().unwrap_or_default().is_empty());
    let id = match submission(&state, &visit, &uri, &person, &values, chosen).await {
        Ok(id) => id,
        Err(page) => return page,
    };
    // Each chosen file, in the order sent; an input left empty sends a part without a name.
    while let Some(field) = file.take() {
        if !field.file_name().unwrap_or_default().is_empty() {
            let name = base_name(field.file_name().unwrap_or_default()).to_owned();
            match upload(&state, &visit, &person.token, &id, field).await {
                Ok(()) => {}
                Err(Refused::Field(message)) => {
                    let done = Words(visit.lang).t("done-submitted");
                    let message = format!("{name}: {message}");
                    return refused_file(&state, &visit, &uri, &id, Some(done), message).await;
                }
                Err(Refused::Api(e)) => return api_error(&visit, &uri, &e),
            }
        }
        file = loop {
            match form.next_field().await {
                Ok(Some(field)) if field.file_name().is_some() => break Some(field),
                Ok(Some(_)) => continue,
                Ok(None) => break None,
                Err(e) => {
                    tracing::info!(error = %e, "file form could not be read to its end");
                    break None;
                }
            }
        };
    }
    submitted(&id)
}

/// The new request's page, saying it was sent.
fn submitted(id: &str) -> Response {
    Redirect::to(&format!("/requests/{}?done=submitted", url_encode(id))).into_response()
}

/// Submits the form's `values`: the new request's id, or the form again with the errors
/// next to their fields. `files_chosen`: the form came with files, which a browser drops
/// when the form comes back, so the file field asks for them again.
async fn submission(
    state: &PortalState,
    visit: &Visit,
    uri: &Uri,
    person: &Person,
    values: &HashMap<String, String>,
    files_chosen: bool,
) -> Result<String, Response> {
    let w = Words(visit.lang);
    let again = |mut errors: HashMap<String, String>| {
        if files_chosen && !errors.is_empty() {
            errors.insert("files".into(), w.t("error-choose-files-again"));
        }
        errors
    };
    let kind = text(values, "type");
    if !TYPES.contains(&kind.as_str()) {
        return Err(new_page(
            visit,
            uri,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            values,
            &HashMap::new(),
            Some(w.t("error-choose-type")),
        ));
    }
    let mut errors = HashMap::new();
    let details = details(w, &kind, values, &mut errors);
    if !errors.is_empty() {
        return Err(new_page(
            visit,
            uri,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(kind),
            values,
            &again(errors),
            None,
        ));
    }
    let input = submit_request::SubmitServiceRequestInput {
        idempotency_key: text(values, "idempotency_key"),
        type_: parse_enum(&kind).unwrap_or(submit_request::ServiceRequestType::Other(kind.clone())),
        title: text(values, "title"),
        description: text(values, "description"),
        details,
        local_government_code: None,
    };
    let result = state
        .api
        .run::<SubmitRequest>(
            Some(&person.token),
            visit.lang,
            submit_request::Variables { input },
        )
        .await;
    match result {
        Ok(data) => Ok(data.submit_service_request.id),
        Err(ApiError::BadInput { field, message }) => {
            let mut errors = HashMap::new();
            let general = match field.as_deref().and_then(|f| form_name(&kind, f)) {
                Some(name) => {
                    errors.insert(name.to_owned(), message);
                    None
                }
                None => Some(message),
            };
            let errors = if general.is_some() && errors.is_empty() && files_chosen {
                HashMap::from([("files".to_owned(), w.t("error-choose-files-again"))])
            } else {
                again(errors)
            };
            Err(new_page(
                visit,
                uri,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(kind),
                values,
                &errors,
                general,
            ))
        }
        Err(e) => Err(api_error(visit, uri, &e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_field_paths_find_their_form_field() {
        assert_eq!(
            form_name("OVERSEAS_VISIT", "details.overseasVisit.delegationSize"),
            Some("delegation_size")
        );
        assert_eq!(
            form_name(
                "OVERSEAS_VISIT",
                "details.overseasVisit.destinations[0].city"
            ),
            Some("destination_city")
        );
        assert_eq!(
            form_name(
                "OVERSEAS_VISIT",
                "details.overseasVisit.destinations[2].country"
            ),
            Some("destination_country_3")
        );
        assert_eq!(
            form_name(
                "OVERSEAS_VISIT",
                "details.overseasVisit.destinations[7].city"
            ),
            None
        );
        assert_eq!(form_name("GENERAL_INQUIRY", "title"), Some("title"));
        assert_eq!(form_name("GENERAL_INQUIRY", "localGovernmentCode"), None);
    }
}
