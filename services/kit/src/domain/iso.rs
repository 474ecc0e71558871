//! The ISO code lists every service checks language and country codes against, in one
//! place: ISO 639-1 language codes (two lowercase letters, e.g. `ko`) from the `isolang`
//! crate and ISO 3166-1 alpha-2 country codes (two uppercase letters, e.g. `JP`) from the
//! `isocountry` crate. A code of the right shape that is not on the list (`xx`, `QQ`, `ZZ`)
//! is refused like any other bad input.

/// What a bad language code is told (the field is the caller's).
pub const LANGUAGE_RULE: &str =
    "must be an ISO 639-1 language code: two lowercase letters on the ISO list, e.g. \"ko\"";

/// What a bad country code is told (the field is the caller's).
pub const COUNTRY_RULE: &str = "must be an ISO 3166-1 alpha-2 country code: two uppercase letters on the ISO list, e.g. \"JP\"";

/// Whether `code` is an ISO 639-1 language code, spelt in lower case.
pub fn is_language(code: &str) -> bool {
    code.len() == 2
        && code.bytes().all(|b| b.is_ascii_lowercase())
        && isolang::Language::from_639_1(code).is_some()
}

/// Whether `code` is an assigned ISO 3166-1 alpha-2 country code, spelt in upper case.
pub fn is_country(code: &str) -> bool {
    code.len() == 2
        && code.bytes().all(|b| b.is_ascii_uppercase())
        && isocountry::CountryCode::for_alpha2(code).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_are_on_the_iso_639_1_list() {
        for ok in ["ko", "en", "zh", "ja", "vi", "mn", "id"] {
            assert!(is_language(ok), "{ok}");
        }
        for bad in ["xx", "qq", "KO", "kor", "k", "", "k1"] {
            assert!(!is_language(bad), "{bad}");
        }
    }

    #[test]
    fn countries_are_assigned_iso_3166_1_alpha_2_codes() {
        for ok in ["KR", "JP", "CN", "VN", "NL", "US", "SS", "BQ"] {
            assert!(is_country(ok), "{ok}");
        }
        for bad in ["QQ", "ZZ", "XX", "kr", "KOR", "K", "", "K1"] {
            assert!(!is_country(bad), "{bad}");
        }
    }
}
