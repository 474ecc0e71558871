# Messages a person reads: English. Every key here exists in ko, zh and ja with the same
# placeables (checked by glocal_kit::i18n's tests). Keys are stable: clients may match them.

## What an error says when no more specific message applies (by extensions.code).
code-unauthenticated = authentication required
code-forbidden = you may not do this
code-not-found = not found, or not visible to you
code-bad-user-input = the request is not valid
code-bad-user-input-field = the input `{ $field }` is not valid
code-conflict = the current state does not allow this change
code-unavailable = service unavailable, retry later
code-internal = internal error

## Input that does not parse (BAD_USER_INPUT).
input-required = is required
input-too-short = must be at least { $min } characters
input-too-long = must be at most { $max } characters (got { $got })
input-control-characters = must not contain control characters
input-one-line = must be one line without control characters
input-unknown-value = unknown value `{ $value }`
input-language-code = must be an ISO 639-1 language code: two lowercase letters on the ISO list, e.g. "ko"
input-country-code = must be an ISO 3166-1 alpha-2 country code: two uppercase letters on the ISO list, e.g. "JP"
input-version = must be the version you saw (at least 1)

## Errors every service shares.
error-unauthenticated = authentication required
error-not-found = { $what } not found
error-stale-version = version { $seen } is stale; current is { $current }

## The gateway's limits on documents.
limit-depth = the query is nested too deep; at most { $max } levels are allowed
limit-document-bytes = the document has { $bytes } bytes; at most { $max } are allowed
limit-complexity = the query is too complex: { $count } fields; at most { $max } are allowed
limit-aliases = the document has { $count } aliases; at most { $max } are allowed
limit-fragment-spreads = the document has { $count } fragment spreads; at most { $max } are allowed
limit-directives = the document has { $count } directives; at most { $max } are allowed
limit-variables = the request has { $count } variables; at most { $max } are allowed
limit-fragment-cycle = the fragment "{ $fragment }" spreads itself

## Training: why an applicant is not eligible (EligibilityFailure.reason).
eligibility-not-published = the edition is not open to applications
eligibility-window = applications are taken from { $from } to { $to }
eligibility-applicant-kind = this edition takes { $kinds } applicants only
eligibility-organisation-type = this edition is for { $types } only
eligibility-korean-nationals = this edition is for Korean nationals
eligibility-foreign-nationals = this edition is for foreign nationals
eligibility-grade-missing = this edition is for { $bound ->
        [both] grades { $min } to { $max }
        [min] grade { $min } and below
        [max] grade { $max } and above
       *[any] any grade
    }: state your grade
eligibility-grade-outside = this edition is for { $bound ->
        [both] grades { $min } to { $max }
        [min] grade { $min } and below
        [max] grade { $max } and above
       *[any] any grade
    }; grade { $grade } is outside it
eligibility-languages = this edition works in { $languages }; name one of them
eligibility-one-active = there is already an active application ({ $application }) for this edition

## Training: why a participant got no certificate (CertificateSkip.reason).
certificate-attendance = attended { $attended } of { $counted } sessions (at least { $percent }% needed)

## Requests: a search query that does not parse (BAD_USER_INPUT on `query`).
search-query-empty = enter at least one word to search for
search-query-too-long = a search is at most { $max } characters (got { $got })
search-query-too-many-words = a search has at most { $max } words (got { $got })
search-query-word-too-short = the word "{ $word }" is too short: each word needs at least { $min } characters

## Requests: merging duplicates and linking related requests (extensions.reason MERGE_*, LINK_*).
relation-merge-into-itself = request { $number } cannot be merged into itself
relation-merge-already-merged = request { $number } was already merged into another request
relation-merge-into-merged = request { $number } was itself merged into another request; merge into that one instead
relation-merge-into-closed = request { $number } is closed, withdrawn or rejected and takes no duplicates
relation-merge-duplicate-closed = request { $number } is answered or done; only a request still awaiting an answer can be merged
relation-merge-has-duplicates = other requests were merged into request { $number }; it cannot be merged in turn
relation-merge-linked = request { $number } is linked to other requests; unlink it before merging
relation-other-local-government = request { $number } belongs to another local government
relation-link-to-itself = request { $number } cannot be linked to itself
relation-link-merged = request { $number } was merged and takes no links
relation-link-has-parent = request { $number } is already linked under another request
relation-link-nested = request { $number } is already part of a link; links are one level deep

## Research: partners maintaining their own organisation's profile (extensions.reason in parentheses).
research-not-own-organisation = a partner may change only its own organisation's profile
research-profile-change-pending = a change of this profile is already waiting for review
research-profile-change-decided = this profile change has already been reviewed

## The gateway's rate limits (429).
limit-rate = too many requests; retry after { $seconds } s
limit-partner-quota = the partner quota of { $limit } requests per { $window } s is used up; retry after { $seconds } s

## Uploaded files (ADR 0022, ADR 0026): the stable reason comes first.
file-too-large = FILE_TOO_LARGE: the file is larger than the { $max } bytes allowed here
file-empty = EMPTY_FILE: the file is empty
file-unsupported-type = UNSUPPORTED_MEDIA_TYPE: accepted are PDF, images (PNG, JPEG, GIF, WebP), office documents (Word, Excel, PowerPoint, HWP, HWPX, OpenDocument), ZIP and plain text; the type is judged by the content, not the name
file-limit-count = ATTACHMENT_LIMIT: at most { $max } files may be attached here
file-limit-bytes = ATTACHMENT_LIMIT: the files attached here may add up to at most { $max } bytes
file-name-path = must be a file name without a path or control characters

## Column headers of exported lists (CSV, XLSX).
export-number = Number
export-type = Type
export-title = Title
export-state = State
export-local-government = Local government
export-department = Department
export-assignee = Assignee
export-requester = Requester
export-submitted-at = Submitted (KST)
export-resolution-due-at = Resolution due (KST)
export-first-response-at = First response (KST)
export-final-response-at = Final response (KST)
