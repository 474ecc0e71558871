//! Labels of enum values, in the four languages (ADR 0029): `enumLabels(lang:, enums:)`
//! gives every value of every enum of the portal's schema the words a person reads, so a
//! portal never hard-codes them. The list of enums is the schema's own (read from its SDL
//! once); the words are catalogue messages `label-<Enum>-<VALUE>`
//! (`services/kit/locales/*/messages.ftl`). A test fails when an enum value of the schema
//! has no label in some language.

use std::sync::OnceLock;

use async_graphql::{Context, Object, Result, SimpleObject};
use glocal_kit::i18n::{self, Lang};

use super::language::{self, Language};
use crate::upstream::error;

/// The label of one enum value.
#[derive(SimpleObject, Debug, Clone, PartialEq, Eq)]
pub struct EnumValueLabel {
    /// The value as the schema spells it, e.g. `STAFF_ASSIGNED`.
    pub value: String,
    /// What a person reads, e.g. "담당자 배정".
    pub label: String,
}

/// The labels of one enum's values, in schema order.
#[derive(SimpleObject, Debug, Clone, PartialEq, Eq)]
pub struct EnumLabels {
    /// The enum's name in the schema, e.g. `ServiceRequestState`.
    pub name: String,
    /// Its values with their labels.
    pub values: Vec<EnumValueLabel>,
}

/// The catalogue key of an enum value's label.
pub fn label_key(enum_name: &str, value: &str) -> String {
    format!("label-{enum_name}-{value}")
}

/// Every enum of a schema and its values, from its SDL, in the SDL's order.
pub fn enums_of_sdl(sdl: &str) -> Vec<(String, Vec<String>)> {
    use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};
    let Ok(document) = async_graphql::parser::parse_schema(sdl) else {
        return Vec::new();
    };
    document
        .definitions
        .into_iter()
        .filter_map(|definition| match definition {
            TypeSystemDefinition::Type(t) => match &t.node.kind {
                TypeKind::Enum(e) => Some((
                    t.node.name.node.to_string(),
                    e.values
                        .iter()
                        .map(|v| v.node.value.node.to_string())
                        .collect(),
                )),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// The enums of the portal's schema (read once from its SDL).
fn schema_enums() -> &'static [(String, Vec<String>)] {
    static ENUMS: OnceLock<Vec<(String, Vec<String>)>> = OnceLock::new();
    ENUMS.get_or_init(|| enums_of_sdl(&super::builder().finish().sdl()))
}

/// The labels of `enums` (all when `None`) in `lang`.
fn labels(enums: &[(String, Vec<String>)], lang: Lang) -> Vec<EnumLabels> {
    enums
        .iter()
        .map(|(name, values)| EnumLabels {
            name: name.clone(),
            values: values
                .iter()
                .map(|value| EnumValueLabel {
                    value: value.clone(),
                    label: i18n::Message::new(label_key(name, value)).render(lang),
                })
                .collect(),
        })
        .collect()
}

/// The labels query.
#[derive(Default)]
pub struct LabelsQuery;

#[Object]
impl LabelsQuery {
    /// The labels of the schema's enum values in `lang` (default: the request's
    /// `Accept-Language`, else English): every enum, or those named in `enums` (an unknown
    /// name is BAD_USER_INPUT on `enums[i]`). A portal shows these instead of the values.
    #[graphql(inaccessible)]
    async fn enum_labels(
        &self,
        ctx: &Context<'_>,
        lang: Option<Language>,
        enums: Option<Vec<String>>,
    ) -> Result<Vec<EnumLabels>> {
        let lang: Lang = language::effective(ctx, lang).into();
        let all = schema_enums();
        let Some(names) = enums else {
            return Ok(labels(all, lang));
        };
        let mut chosen = Vec::with_capacity(names.len());
        for (i, name) in names.iter().enumerate() {
            let found = all.iter().find(|(n, _)| n == name).ok_or_else(|| {
                error::bad_input_said(
                    &i18n::Message::new("input-no-such-enum").arg("name", name),
                    &format!("enums[{i}]"),
                )
            })?;
            chosen.push(found.clone());
        }
        Ok(labels(&chosen, lang))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_enum_value_of_the_schema_has_a_label_in_every_language() {
        let enums = enums_of_sdl(&crate::schema::builder().finish().sdl());
        assert!(
            enums.iter().any(|(n, _)| n == "ServiceRequestState"),
            "the SDL's enums were read"
        );
        let mut missing = Vec::new();
        for (name, values) in &enums {
            for value in values {
                let key = label_key(name, value);
                for lang in Lang::ALL {
                    match i18n::render(lang, &key, &Default::default()) {
                        Some(text) if !text.trim().is_empty() => {}
                        _ => missing.push(format!("{key} ({})", lang.as_str())),
                    }
                }
            }
        }
        assert!(missing.is_empty(), "labels missing: {missing:#?}");
    }

    #[test]
    fn labels_come_in_the_language_asked() {
        let enums = vec![("ServiceRequestState".to_owned(), vec!["CLOSED".to_owned()])];
        let texts: Vec<String> = Lang::ALL
            .into_iter()
            .map(|lang| labels(&enums, lang)[0].values[0].label.clone())
            .collect();
        assert_eq!(texts[1], "Closed");
        let distinct: std::collections::BTreeSet<&String> = texts.iter().collect();
        assert_eq!(distinct.len(), 4, "{texts:?}");
    }
}
