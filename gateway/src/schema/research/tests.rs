//! Unit tests of the research schema.

use super::*;

#[test]
fn fallback_is_asked_then_original_then_korean_then_english() {
    let t = |ko: &str, en: &str, zh: &str, ja: &str| LocalizedText {
        ko: ko.into(),
        en: en.into(),
        zh: zh.into(),
        ja: ja.into(),
    };
    let all = t("교통", "Transport", "交通", "交通機関");
    assert_eq!(pick_original(Some(&all), Language::Ja, "zh"), "交通機関");
    assert_eq!(
        pick_original(
            Some(&t("교통", "Transport", "交通", "")),
            Language::Ja,
            "zh"
        ),
        "交通"
    );
    assert_eq!(
        pick_original(Some(&t("교통", "Transport", "", "")), Language::Ja, "zh"),
        "교통"
    );
    assert_eq!(
        pick_original(Some(&t("", "Transport", "", "")), Language::Ja, "zh"),
        "Transport"
    );
    assert_eq!(
        pick_original(Some(&t("", "", "", "")), Language::Ko, "en"),
        ""
    );
    assert_eq!(pick_original(None, Language::Ko, "en"), "");
}
