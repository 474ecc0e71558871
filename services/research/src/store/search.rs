//! The practice search, in SQL per engine. One WHERE clause (visibility, filters, and every
//! query term) feeds the page, the total and the facet counts, so facets always describe
//! exactly the result set.
//!
//! A term matches when it is a substring of any language of title, summary or body
//! (case-insensitive; this finds a two-character Korean, Chinese or Japanese word inside a
//! longer compound) or when its English stem matches the English text (plural/singular).
//! - PostgreSQL: `ILIKE` accelerated by a pg_trgm GIN index, and `to_tsvector('english')`
//!   against `plainto_tsquery('english')` on a GIN expression index.
//! - SQLite: FTS5 with the trigram tokenizer for terms of three or more characters (shorter
//!   ones fall back to `LIKE`, which the trigram index cannot serve), and FTS5 with the porter
//!   stemmer for English.
//!
//! Rank: per term, 3 for a hit (substring or English stem) in a title, 2 in a summary, 1 in a
//! body; ties go to the newest.

use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement, Value};

use crate::domain::Lang;

/// A statement under construction with backend-specific placeholders.
pub(crate) struct Sql {
    backend: DbBackend,
    text: String,
    values: Vec<Value>,
}

impl Sql {
    pub(crate) fn new(backend: DbBackend, text: &str) -> Self {
        Sql {
            backend,
            text: text.to_owned(),
            values: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, s: &str) -> &mut Self {
        self.text.push_str(s);
        self
    }

    pub(crate) fn bind(&mut self, v: impl Into<Value>) -> &mut Self {
        self.values.push(v.into());
        if self.backend == DbBackend::Postgres {
            let n = self.values.len();
            self.text.push_str(&format!("${n}"));
        } else {
            self.text.push('?');
        }
        self
    }

    pub(crate) fn bind_list<V: Into<Value> + Clone>(&mut self, items: &[V]) -> &mut Self {
        self.push("(");
        for (i, v) in items.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.bind(v.clone());
        }
        self.push(")")
    }

    fn like(&self) -> &'static str {
        if self.backend == DbBackend::Postgres {
            "ILIKE"
        } else {
            "LIKE"
        }
    }

    pub(crate) fn statement(self) -> Statement {
        Statement::from_sql_and_values(self.backend, self.text, self.values)
    }
}

/// `%term%` with LIKE's wildcards escaped (escape character `!`, which needs no quoting
/// in any SQL dialect).
pub(crate) fn contains_pattern(term: &str) -> String {
    let mut p = String::with_capacity(term.len() + 2);
    p.push('%');
    for c in term.chars() {
        if matches!(c, '%' | '_' | '!') {
            p.push('!');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// An FTS5 phrase: the term in double quotes, inner quotes doubled.
fn fts_phrase(term: &str) -> String {
    format!("\"{}\"", term.replace('"', "\"\""))
}

/// What to search: visibility, filters, terms, order and window.
#[derive(Debug, Clone, Default)]
pub(crate) struct SearchQuery {
    /// Whitespace-separated terms of the query; all must match.
    pub terms: Vec<String>,
    /// States to include (never empty).
    pub states: Vec<&'static str>,
    pub areas: Vec<String>,
    pub countries: Vec<String>,
    pub years: Vec<i32>,
    pub languages: Vec<Lang>,
    pub local_government_code: Option<String>,
    pub source_organisation_id: Option<String>,
    pub tag: Option<String>,
    /// Rank first (else newest first).
    pub by_rank: bool,
    pub offset: u64,
    pub limit: u64,
}

fn where_clause(sql: &mut Sql, q: &SearchQuery) {
    sql.push(" WHERE p.state IN ");
    sql.bind_list(&q.states);
    if !q.areas.is_empty() {
        sql.push(" AND p.area_code IN ");
        sql.bind_list(&q.areas);
    }
    if !q.countries.is_empty() {
        sql.push(" AND p.country IN ");
        sql.bind_list(&q.countries);
    }
    if !q.years.is_empty() {
        sql.push(" AND p.year IN ");
        sql.bind_list(&q.years);
    }
    if !q.languages.is_empty() {
        let any: Vec<String> = q
            .languages
            .iter()
            .map(|l| format!("p.has_{}", l.as_str()))
            .collect();
        sql.push(&format!(" AND ({})", any.join(" OR ")));
    }
    if let Some(code) = &q.local_government_code {
        sql.push(" AND p.local_government_code = ");
        sql.bind(code.clone());
    }
    if let Some(org) = &q.source_organisation_id {
        sql.push(" AND p.source_organisation_id = ");
        sql.bind(org.clone());
    }
    if let Some(tag) = &q.tag {
        sql.push(" AND p.tags LIKE ");
        sql.bind(contains_pattern(&format!(",{tag},")));
        sql.push(" ESCAPE '!'");
    }
    for term in &q.terms {
        term_predicate(sql, term);
    }
}

fn term_predicate(sql: &mut Sql, term: &str) {
    let english = term.chars().any(|c| c.is_ascii_alphanumeric());
    if sql.backend == DbBackend::Postgres {
        sql.push(" AND (p.doc_all ILIKE ");
        sql.bind(contains_pattern(term));
        sql.push(" ESCAPE '!'");
        if english {
            sql.push(" OR to_tsvector('english', p.doc_en) @@ plainto_tsquery('english', ");
            sql.bind(term.to_owned());
            sql.push(")");
        }
        sql.push(")");
    } else {
        if term.chars().count() >= 3 {
            sql.push(
                " AND (p.id IN (SELECT practice_id FROM practice_fts_tri WHERE practice_fts_tri MATCH ",
            );
            sql.bind(fts_phrase(term));
            sql.push(")");
        } else {
            sql.push(" AND (p.doc_all LIKE ");
            sql.bind(contains_pattern(term));
            sql.push(" ESCAPE '!'");
        }
        if english {
            sql.push(
                " OR p.id IN (SELECT practice_id FROM practice_fts_en WHERE practice_fts_en MATCH ",
            );
            sql.bind(fts_phrase(term));
            sql.push(")");
        }
        sql.push(")");
    }
}

fn rank_expression(sql: &mut Sql, terms: &[String]) {
    if terms.is_empty() {
        sql.push("0");
        return;
    }
    let like = sql.like();
    for (i, term) in terms.iter().enumerate() {
        if i > 0 {
            sql.push(" + ");
        }
        let english = term.chars().any(|c| c.is_ascii_alphanumeric());
        for (j, (field, weight)) in [("title", 3), ("summary", 2), ("body", 1)]
            .into_iter()
            .enumerate()
        {
            if j > 0 {
                sql.push(" + ");
            }
            sql.push(&format!("(CASE WHEN p.doc_{field} {like} "));
            sql.bind(contains_pattern(term));
            sql.push(" ESCAPE '!'");
            if english {
                if sql.backend == DbBackend::Postgres {
                    sql.push(&format!(
                        " OR to_tsvector('english', p.doc_{field}) @@ plainto_tsquery('english', "
                    ));
                    sql.bind(term.clone());
                    sql.push(")");
                } else {
                    sql.push(
                        " OR p.id IN (SELECT practice_id FROM practice_fts_en WHERE practice_fts_en MATCH ",
                    );
                    sql.bind(format!("{field} : {}", fts_phrase(term)));
                    sql.push(")");
                }
            }
            sql.push(&format!(" THEN {weight} ELSE 0 END)"));
        }
    }
}

/// The ids of one page, in order.
pub(crate) async fn page<C: ConnectionTrait>(c: &C, q: &SearchQuery) -> Result<Vec<String>, DbErr> {
    let mut sql = Sql::new(
        c.get_database_backend(),
        "SELECT p.id AS id FROM practice p",
    );
    where_clause(&mut sql, q);
    sql.push(" ORDER BY ");
    if q.by_rank {
        rank_expression(&mut sql, &q.terms);
        sql.push(" DESC, ");
    }
    sql.push("p.listed_at DESC, p.seq DESC LIMIT ");
    sql.bind(i64::try_from(q.limit).unwrap_or(i64::MAX));
    sql.push(" OFFSET ");
    sql.bind(i64::try_from(q.offset).unwrap_or(i64::MAX));
    c.query_all_raw(sql.statement())
        .await?
        .iter()
        .map(|r| r.try_get::<String>("", "id"))
        .collect()
}

/// Facet counts of the whole result set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct FacetRows {
    pub total: u64,
    pub areas: Vec<(String, u64)>,
    pub countries: Vec<(String, u64)>,
    pub years: Vec<(i32, u64)>,
    pub languages: Vec<(Lang, u64)>,
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// The total and the counts per area, country, year and language.
pub(crate) async fn facets<C: ConnectionTrait>(c: &C, q: &SearchQuery) -> Result<FacetRows, DbErr> {
    let backend = c.get_database_backend();
    let mut out = FacetRows::default();

    let mut sql = Sql::new(backend, "SELECT COUNT(*) AS n");
    for l in Lang::ALL {
        sql.push(&format!(
            ", COALESCE(SUM(CASE WHEN p.has_{l} THEN 1 ELSE 0 END), 0) AS {l}"
        ));
    }
    sql.push(" FROM practice p");
    where_clause(&mut sql, q);
    if let Some(row) = c.query_one_raw(sql.statement()).await? {
        out.total = count(row.try_get("", "n")?);
        for l in Lang::ALL {
            let n: i64 = row.try_get("", l.as_str())?;
            if n > 0 {
                out.languages.push((l, count(n)));
            }
        }
    }

    for column in ["area_code", "country"] {
        let mut sql = Sql::new(
            backend,
            &format!("SELECT p.{column} AS v, COUNT(*) AS n FROM practice p"),
        );
        where_clause(&mut sql, q);
        sql.push(&format!(" GROUP BY p.{column} ORDER BY n DESC, v"));
        let rows = c.query_all_raw(sql.statement()).await?;
        let values = rows
            .iter()
            .map(|r| Ok((r.try_get::<String>("", "v")?, count(r.try_get("", "n")?))))
            .collect::<Result<Vec<_>, DbErr>>()?;
        if column == "area_code" {
            out.areas = values;
        } else {
            out.countries = values;
        }
    }

    let mut sql = Sql::new(backend, "SELECT p.year AS v, COUNT(*) AS n FROM practice p");
    where_clause(&mut sql, q);
    sql.push(" GROUP BY p.year ORDER BY p.year DESC");
    out.years = c
        .query_all_raw(sql.statement())
        .await?
        .iter()
        .map(|r| Ok((r.try_get::<i32>("", "v")?, count(r.try_get("", "n")?))))
        .collect::<Result<Vec<_>, DbErr>>()?;
    Ok(out)
}

/// The English title, summary and body of a practice (for stemming).
pub(crate) struct EnglishDoc<'a> {
    pub title: &'a str,
    pub summary: &'a str,
    pub body: &'a str,
}

/// Keeps the SQLite FTS tables in step with a practice's current documents (PostgreSQL
/// indexes the columns themselves).
pub(crate) async fn reindex<C: ConnectionTrait>(
    c: &C,
    practice_id: &str,
    doc_all: &str,
    en: &EnglishDoc<'_>,
) -> Result<(), DbErr> {
    let backend = c.get_database_backend();
    if backend == DbBackend::Postgres {
        return Ok(());
    }
    for table in ["practice_fts_tri", "practice_fts_en"] {
        let mut sql = Sql::new(
            backend,
            &format!("DELETE FROM {table} WHERE practice_id = "),
        );
        sql.bind(practice_id.to_owned());
        c.execute_raw(sql.statement()).await?;
    }
    let mut sql = Sql::new(
        backend,
        "INSERT INTO practice_fts_tri (practice_id, doc) VALUES (",
    );
    sql.bind(practice_id.to_owned());
    sql.push(", ");
    sql.bind(doc_all.to_owned());
    sql.push(")");
    c.execute_raw(sql.statement()).await?;
    let mut sql = Sql::new(
        backend,
        "INSERT INTO practice_fts_en (practice_id, title, summary, body) VALUES (",
    );
    sql.bind(practice_id.to_owned());
    for v in [en.title, en.summary, en.body] {
        sql.push(", ");
        sql.bind(v.to_owned());
    }
    sql.push(")");
    c.execute_raw(sql.statement()).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_escape_like_wildcards() {
        assert_eq!(contains_pattern("50%_a!b"), "%50!%!_a!!b%");
        assert_eq!(fts_phrase("say \"hi\""), "\"say \"\"hi\"\"\"");
    }

    #[test]
    fn placeholders_follow_the_backend() {
        let q = SearchQuery {
            terms: vec!["교통".into(), "bikes".into()],
            states: vec!["PUBLISHED"],
            years: vec![2020, 2021],
            ..SearchQuery::default()
        };
        let mut pg = Sql::new(DbBackend::Postgres, "SELECT 1 FROM practice p");
        where_clause(&mut pg, &q);
        assert!(pg.text.contains("p.year IN ($2, $3)"), "{}", pg.text);
        assert!(
            pg.text.contains("plainto_tsquery('english', $6)"),
            "{}",
            pg.text
        );
        assert!(
            !pg.text.contains("plainto_tsquery('english', $4)"),
            "Korean term has no English clause"
        );
        let mut lite = Sql::new(DbBackend::Sqlite, "SELECT 1 FROM practice p");
        where_clause(&mut lite, &q);
        assert!(
            lite.text.contains("p.doc_all LIKE ?"),
            "two-character term falls back to LIKE"
        );
        assert!(
            lite.text.contains("practice_fts_tri MATCH ?"),
            "longer term uses the trigram index"
        );
        assert_eq!(lite.values.len(), 6);
    }
}
