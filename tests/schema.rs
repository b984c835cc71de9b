//! `docs/keylint.schema.json` is generated from the config types; this test fails when it is
//! stale. Regenerate with `KEYLINT_UPDATE_SCHEMA=1 cargo test --test schema`.

use std::path::Path;

#[test]
fn committed_config_schema_is_up_to_date() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/keylint.schema.json");
    let generated = keylint::config::json_schema();
    if std::env::var_os("KEYLINT_UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).expect("write docs/keylint.schema.json");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/keylint.schema.json is stale: regenerate it with `KEYLINT_UPDATE_SCHEMA=1 cargo test --test schema`"
    );
}

#[test]
fn the_schema_accepts_the_readme_config_and_rejects_typos() {
    let schema: serde_json::Value = serde_json::from_str(&keylint::config::json_schema()).unwrap();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let config = |toml_text: &str| -> serde_json::Value {
        serde_json::to_value(toml::from_str::<toml::Value>(toml_text).unwrap()).unwrap()
    };
    let good = config(
        "[scan]\nexclude = [\"vendor/**\"]\nmax_file_size = 10485760\nhidden = true\n[rules]\ndisable = [\"bitstamp-api-key\"]\nallow_markers = [\"noqa: mock\"]\n[rules.severity]\nokx-passphrase = \"warning\"\n[output]\nfail_on = \"error\"\nbaseline = \".keylint-baseline.json\"\n[policy]\nmax_age_days = 90\ndisable = [\"key-allows-transfer\"]\n",
    );
    assert!(validator.is_valid(&good), "{:?}", validator.iter_errors(&good).map(|e| e.to_string()).collect::<Vec<_>>());
    for bad in [
        "[scan]\nexclud = []\n",
        "[output]\nfail_on = \"fatal\"\n",
        "[policy]\nmax_age = 3\n",
        "[rules.severity]\nx = \"loud\"\n",
    ] {
        assert!(!validator.is_valid(&config(bad)), "{bad}");
    }
}
