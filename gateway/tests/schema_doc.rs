//! docs/schema.graphql is the published schema: it must be exactly what the gateway serves.

#[test]
fn published_schema_matches_the_gateway() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/schema.graphql");
    let published = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        published == glocal_gateway::sdl(),
        "docs/schema.graphql is out of date: run `cargo run -- schema > docs/schema.graphql`"
    );
}
